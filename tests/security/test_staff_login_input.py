"""What the staff login does with a username no account can have."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"
LONGEST = get_user_model()._meta.get_field("username").max_length


@pytest.mark.parametrize("length", [LONGEST + 1, 256, 10_000])
def test_a_username_longer_than_any_is_the_forms_error(client, length):
    """It was a 500 on PostgreSQL from 256 characters: axes' record of the failed attempt
    holds 255."""
    response = client.post(LOGIN, {"username": "a" * length, "password": "tebakan"})
    assert response.status_code == 200
    assert f"paling banyak {LONGEST} karakter" in response.text
    assert "_auth_user_id" not in client.session
    assert not AccessAttempt.objects.exists()


def test_the_longest_username_is_an_ordinary_failed_login(client):
    response = client.post(LOGIN, {"username": "a" * LONGEST, "password": "tebakan"})
    assert response.status_code == 200
    assert "nama pengguna dan sandi yang benar" in response.text.lower()
    assert AccessAttempt.objects.get().username == "a" * LONGEST
