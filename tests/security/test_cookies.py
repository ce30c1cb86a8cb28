"""Cookies are input too: junk in one is no session or the default language, never a 500.

The NUL case was a 500 on PostgreSQL (which refuses NUL in a query): a quoted cookie value's
`\\000` is decoded to NUL before the session is looked up."""

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "key", ["abcdefgh\x00ijk", "a" * 8 + "\x00", "ABCDEFGHIJKL", "é" * 32, "x" * 10_000]
)
def test_a_session_cookie_that_no_key_looks_like_is_no_session(key):
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = key
    response = client.get("/antrean/kelola/antrean/")
    assert response.status_code == 404
    assert "Tidak ada antrean yang terbuka di peramban ini" in response.text
    assert client.get("/").status_code == 200


def test_a_junk_language_cookie_is_bahasa_indonesia():
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en\x00"
    response = client.get("/")
    assert response.status_code == 200 and response["Content-Language"] == "id"
