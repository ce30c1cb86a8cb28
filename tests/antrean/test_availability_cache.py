"""The date and time pages keep free seats in the cache (antrean/availability.py): read once,
shown to everyone, dropped the moment anything changes what the office has free."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from antrean.availability import cached, forget
from antrean.models import Closure
from antrean.services import cancel_booking
from tests.antrean.conftest import VISIT_DAY, make_booking
from tests.factories import make_nik

pytestmark = pytest.mark.django_db


def _dates(client, office, service):
    return reverse("antrean:dates", args=[office.slug, service.code])


def _times(office, service):
    return reverse("antrean:times", args=[office.slug, service.code, VISIT_DAY])


def _get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    slot_queries = [q for q in queries.captured_queries if '"antrean_slot"' in q["sql"]]
    return response.text, len(queries), slot_queries


def _choices(html):
    return html[
        html.index('<ul class="choice-list') : html.index("</ul>", html.index("choice-list"))
    ]


def test_a_second_visit_is_served_from_the_cache(client, booking_office, service, slot):
    for url in (_dates(client, booking_office, service), _times(booking_office, service)):
        first_text, first_count, first_slots = _get(client, url)
        second_text, second_count, second_slots = _get(client, url)
        assert first_slots and first_count >= 3
        assert second_count == 0
        assert _choices(second_text) == _choices(first_text)
        assert "Sudin Dukcapil Uji" in second_text


def test_a_booking_shows_at_once(client, booking_office, service, slot):
    url = _dates(client, booking_office, service)
    before, _count, _slots = _get(client, url)
    assert f"{slot.capacity} kursi kosong" in before
    make_booking(slot, service)
    after, _count, slot_queries = _get(client, url)
    assert slot_queries, "the booking should have dropped the cached seats"
    assert f"{slot.capacity - 1} kursi kosong" in after
    times, _count, _slots = _get(client, _times(booking_office, service))
    assert f"{slot.capacity - 1} kursi kosong" in times


def test_a_cancellation_gives_the_seat_back_at_once(client, booking_office, service, slot):
    booking = make_booking(slot, service)
    url = _times(booking_office, service)
    before, _count, _slots = _get(client, url)
    assert f"{slot.capacity - 1} kursi kosong" in before
    cancel_booking(booking=booking)
    after, _count, _slots = _get(client, url)
    assert f"{slot.capacity} kursi kosong" in after


def test_a_staff_closure_shows_at_once(client, booking_office, service, slot):
    url = _dates(client, booking_office, service)
    _get(client, url)
    Closure.objects.create(office=booking_office, date=VISIT_DAY, reason="Banjir")
    text, _count, _slots = _get(client, url)
    assert "Kantor tutup: Banjir" in text


def test_one_office_changing_keeps_the_otherscached(client, booking_office, service, slot):
    from tests.antrean.conftest import make_slot, open_office

    other = open_office(service_type=service, name="Kantor Lain", slug="lain")
    make_slot(other)
    url = _dates(client, booking_office, service)
    _get(client, url)
    make_booking(make_slot(other, hour=10), service, nik=make_nik())
    _text, _count, slot_queries = _get(client, url)
    assert not slot_queries


def test_zero_seconds_turns_the_cache_off(client, settings, booking_office, service, slot):
    settings.AVAILABILITY_CACHE_SECONDS = 0
    url = _dates(client, booking_office, service)
    _get(client, url)
    _text, _count, slot_queries = _get(client, url)
    assert slot_queries


def test_pages_work_when_the_cache_cannot_be_reached(client, settings, booking_office, service):
    from tests.antrean.conftest import make_slot

    slot = make_slot(booking_office)
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    text, _count, _slots = _get(client, _dates(client, booking_office, service))
    assert f"{slot.capacity} kursi kosong" in text
    # A booking still goes through; dropping the cached seats fails quietly.
    make_booking(slot, service)
    text, _count, _slots = _get(client, _times(booking_office, service))
    assert f"{slot.capacity - 1} kursi kosong" in text


@pytest.mark.django_db(transaction=True)
def test_seats_read_before_a_commit_are_dropped_when_it_commits(booking_office, service):
    parts = ("probe",)
    slug = booking_office.slug
    with transaction.atomic():
        forget(booking_office)
        # Another visitor's page, computed from the rows as they were before this commit.
        assert cached(slug, parts, lambda: "before") == "before"
        assert cached(slug, parts, lambda: "unused") == "before"
    assert cached(slug, parts, lambda: "after") == "after"


def test_each_language_has_its_own_entry(client, settings, booking_office, service, slot):
    url = _dates(client, booking_office, service)
    indonesian, _count, _slots = _get(client, url)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english, _count, slot_queries = _get(client, url)
    assert slot_queries
    assert "Belum dibuka" in _choices(indonesian) and "Belum dibuka" not in _choices(english)
    assert "Desember" in _choices(indonesian) and "December" in _choices(english)


def test_a_reschedule_marks_its_own_slot_and_is_not_shared(client, booking_office, service, slot):
    """The reschedule page shows "your slot" on the visitor's own slot: that list must never
    reach the cache the booking pages read from."""
    from tests.factories import VALID_NIK

    booking = make_booking(slot, service, nik=VALID_NIK)
    manage = client.post(reverse("antrean:manage"), {"code": booking.code, "nik": VALID_NIK})
    assert manage.status_code == 302
    mine = client.get(reverse("antrean:reschedule-times", args=[VISIT_DAY]))
    assert "Jadwal Anda sekarang" in mine.text
    public, _count, _slots = _get(client, _times(booking_office, service))
    assert "Jadwal Anda sekarang" not in public


def test_an_office_closed_to_booking_is_gone_at_once(client, booking_office, service, slot):
    url = _dates(client, booking_office, service)
    _get(client, url)
    booking_office.is_active = False
    booking_office.save()
    assert client.get(url).status_code == 404


def test_a_service_no_longer_offered_is_gone_at_once(client, booking_office, service, slot):
    from antrean.models import OfficeService

    urls = [_dates(client, booking_office, service), _times(booking_office, service)]
    for url in urls:
        _get(client, url)
    OfficeService.objects.get(office=booking_office, service_type=service).delete()
    for url in urls:
        assert client.get(url).status_code == 404


def test_a_service_switched_off_nationally_is_gone_at_once(client, booking_office, service, slot):
    url = _dates(client, booking_office, service)
    _get(client, url)
    service.is_active = False
    service.save()
    assert client.get(url).status_code == 404


def test_a_new_slug_drops_the_old_one(client, booking_office, service, slot):
    url = _dates(client, booking_office, service)
    _get(client, url)
    booking_office.slug = "uji-baru"
    booking_office.save()
    assert client.get(url).status_code == 404
    assert client.get(_dates(client, booking_office, service)).status_code == 200


def test_the_day_after_is_not_served_yesterdays_list(client, booking_office, service, slot):
    import time_machine

    from tests.antrean.conftest import NOW

    url = _dates(client, booking_office, service)
    today, _count, _slots = _get(client, url)
    assert "Selasa, 1 Desember 2026" in _choices(today)
    # 23.59.50 in Jakarta, then ten seconds later: well inside the cache's 30 seconds.
    with time_machine.travel(NOW.replace(hour=16, minute=59, second=50), tick=False):
        _get(client, url)
    with time_machine.travel(NOW.replace(hour=17, minute=0, second=0), tick=False):
        tomorrow, _count, slot_queries = _get(client, url)
    assert slot_queries
    assert "Selasa, 1 Desember 2026" not in _choices(tomorrow)
