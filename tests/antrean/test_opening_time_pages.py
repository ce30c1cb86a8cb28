"""The opening time on the pages: the date page says when the next day opens, the cached
date and time pages turn over the minute the window moves (at the opening time and at
midnight), and office admins set the time on the office's booking settings."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from antrean.demo import grant_permissions
from antrean.models import BookingSettings
from ktpportal.models import StaffRole
from tests.antrean.test_admin import _setup_form
from tests.antrean.test_opening_time import at, clock, day, nine_on, office_opening_at
from tests.factories import make_staff

pytestmark = pytest.mark.django_db


def dates_url(office, service):
    return reverse("antrean:dates", args=[office.slug, service.code])


def times_url(office, service, n):
    return reverse("antrean:times", args=[office.slug, service.code, day(n)])


def get(client, url):
    """The page, and whether it was computed (slots read) rather than served from the cache."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.text, any('"antrean_slot"' in q["sql"] for q in queries.captured_queries)


def test_date_page_says_when_the_next_day_opens(client, service):
    office = office_opening_at(service)
    with clock(at(6, 59)):
        text, _computed = get(client, dates_url(office, service))
    assert "Tanggal berikutnya, Kamis, 3 Desember 2026, dibuka hari ini pukul 07.00 WIB." in text
    assert "Belum dibuka: dibuka besok pukul 07.00 WIB" in text
    assert "Belum dibuka: dibuka 3 Desember 2026 pukul 07.00 WIB" in text
    assert times_url(office, service, 2) not in text
    with clock(at(7, 0)):
        text, _computed = get(client, dates_url(office, service))
    assert "Tanggal berikutnya, Jumat, 4 Desember 2026, dibuka besok pukul 07.00 WIB." in text
    assert times_url(office, service, 2) in text


def test_date_page_says_it_in_english(client, settings, service):
    office = office_opening_at(service)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with clock(at(6, 59)):
        text, _computed = get(client, dates_url(office, service))
    assert "The next date, Thursday, 3 December 2026, opens today at 07.00 WIB." in text
    assert "Not open yet: opens on 3 December 2026 at 07.00 WIB" in text


def test_cached_date_page_turns_over_at_the_opening_time(client, service):
    office = office_opening_at(service)
    url = dates_url(office, service)
    with clock(at(6, 59, 40)):
        _text, computed = get(client, url)
        assert computed
    with clock(at(6, 59, 50)):
        before, computed = get(client, url)
    assert not computed, "inside the window the page comes from the cache"
    assert times_url(office, service, 2) not in before
    # Ten seconds later, well inside AVAILABILITY_CACHE_SECONDS (30).
    with clock(at(7, 0)):
        after, computed = get(client, url)
    assert computed
    assert times_url(office, service, 2) in after
    with clock(at(7, 0, 10)):
        _text, computed = get(client, url)
    assert not computed


def test_cached_date_page_turns_over_at_midnight(client, service):
    office = office_opening_at(service)
    url = dates_url(office, service)
    with clock(at(23, 59, 50)):
        before, _computed = get(client, url)
    assert "Selasa, 1 Desember 2026" in before
    assert "Tanggal berikutnya, Jumat, 4 Desember 2026, dibuka besok pukul 07.00 WIB." in before
    # Past midnight the newest day is the same (the next opens at 07.00), but today is not.
    with clock(at(0, 0, n=1)):
        after, computed = get(client, url)
    assert computed
    assert "Selasa, 1 Desember 2026" not in after
    assert "Tanggal berikutnya, Jumat, 4 Desember 2026, dibuka hari ini pukul 07.00 WIB." in after


def test_cached_time_page_of_the_newest_day_turns_over_at_the_opening_time(client, service):
    office = office_opening_at(service)
    url = times_url(office, service, 2)
    book = reverse("antrean:book", args=[office.slug, service.code, day(2), nine_on(office, 2).pk])
    with clock(at(6, 59, 50)):
        before, _computed = get(client, url)
    assert "Belum dibuka" in before and book not in before
    with clock(at(7, 0)):
        after, computed = get(client, url)
    assert computed
    assert book in after


def test_office_admin_sets_the_opening_time(client, service):
    office = office_opening_at(service, opens_at=datetime.time(0))
    url = reverse("admin:antrean_bookingsetup_change", args=[office.pk])
    with clock(at(6, 30)):
        grant_permissions()  # the staff roles' permissions, as seed_demo gives them
        client.force_login(make_staff(office, role=StaffRole.ADMIN))
        page = client.get(url).text
        assert "Jam tanggal baru dibuka (waktu kantor)" in page
        assert "Setiap hari pada jam ini satu tanggal baru dibuka" in page
        cached, _computed = get(client, dates_url(office, service))
        assert times_url(office, service, 2) in cached

        wrong = client.post(
            url, _setup_form(office, **{"booking_settings-0-booking_opens_at": "07:00:30"})
        )
        assert wrong.status_code == 200
        assert "Isi jam dan menit saja, misalnya 07.00." in wrong.text
        nonsense = client.post(
            url, _setup_form(office, **{"booking_settings-0-booking_opens_at": "25:00"})
        )
        assert nonsense.status_code == 200
        assert BookingSettings.objects.get(office=office).booking_opens_at == datetime.time(0)

        saved = client.post(
            url, _setup_form(office, **{"booking_settings-0-booking_opens_at": "07:00"})
        )
        assert saved.status_code == 302
        assert BookingSettings.objects.get(office=office).booking_opens_at == datetime.time(7)
        # The settings changed: the cached page goes at once, the newest day closes again.
        after, computed = get(client, dates_url(office, service))
    assert computed
    assert times_url(office, service, 2) not in after
    assert "Belum dibuka: dibuka hari ini pukul 07.00 WIB" in after
