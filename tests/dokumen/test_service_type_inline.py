import pytest
from django.contrib.auth import get_user_model

from dokumen.models import Requirement
from tests.factories import make_service_type

pytestmark = pytest.mark.django_db


def test_requirements_are_edited_inline_on_their_service_type(client):
    service = make_service_type(name="Layanan Uji")
    Requirement.objects.create(service_type=service, name="Kartu Keluarga (KK)", order=1)
    client.force_login(get_user_model().objects.create_superuser("boss", password="x"))
    page = client.get(f"/admin/ktpportal/servicetype/{service.pk}/change/")
    assert page.status_code == 200
    assert "requirements-TOTAL_FORMS" in page.text
    assert "Kartu Keluarga (KK)" in page.text
