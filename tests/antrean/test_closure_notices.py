"""A closure, a half day or changed hours switch off booked slots: each citizen is told once,
by email and short message whatever their reminder consent, with a link that opens the
reschedule of that one booking until a week after the visit's date."""

import datetime
import hashlib
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from antrean import closure_notices
from antrean.closure_notices import GRACE_DAYS
from antrean.models import Booking, Closure, OpeningHours, RescheduleLink, Slot
from antrean.services import cancel_booking
from antrean.slots import generate_slots
from antrean.tasks import send_closure_notices
from ktpportal.celery import app as celery_app
from ktpportal.notifications.models import Notification
from tests.antrean.conftest import NOW, VISIT_DAY, make_booking
from tests.factories import make_nik

pytestmark = pytest.mark.django_db

TODAY = NOW.date()  # Tuesday 1 December 2026, 08.00 WIB
NEXT_DAY = VISIT_DAY + datetime.timedelta(days=1)
LINK = re.compile(r"/antrean/kelola/u/[\w-]+/")


@pytest.fixture(autouse=True)
def eager_tasks(monkeypatch, settings):
    # The writer tasks run in-process (with REDIS_URL set they would wait for a worker).
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    settings.PORTAL_URL = "https://ktp.example.go.id"


def at(office, day, hour, minute=0):
    starts_at = datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=office.tz)
    return Slot.objects.get(office=office, starts_at=starts_at, service_type=None)


@pytest.fixture
def visit(booking_office, service):
    """Bookings at 09.00 on the visit day: email + phone without SMS consent, phone only
    without consent, email only; one cancelled; one on the next day."""
    generate_slots(office=booking_office, start=TODAY, days=3)
    nine = at(booking_office, VISIT_DAY, 9)
    both = make_booking(nine, service, nik=make_nik(), email="siti@example.org")
    phone_only = make_booking(nine, service, nik=make_nik(), full_name="Budi Santoso")
    email_only = make_booking(nine, service, nik=make_nik(), phone="", email="ani@example.org")
    cancelled = make_booking(nine, service, nik=make_nik(), email="eko@example.org")
    cancel_booking(booking=cancelled)
    other_day = make_booking(at(booking_office, NEXT_DAY, 9), service, nik=make_nik())
    # Drop the confirmations and cancellation, to see only the closure notices.
    Notification.objects.all().delete()
    return both, phone_only, email_only, cancelled, other_day


def close_visit_day(office, reason="Banjir"):
    Closure.objects.create(office=office, date=VISIT_DAY, reason=reason)
    return generate_slots(office=office, start=TODAY, days=3)


def notices():
    return Notification.objects.filter(kind=closure_notices.KIND)


def link_in(booking, channel="sms") -> str:
    body = notices().get(subject_id=booking.pk, channel=channel).body_text
    return LINK.search(body).group(0)


def test_a_closure_tells_every_booking_once_by_email_and_sms_without_consent(
    booking_office, visit, django_capture_on_commit_callbacks
):
    both, phone_only, email_only, cancelled, other_day = visit
    nine = both.slot

    with django_capture_on_commit_callbacks(execute=True):
        result = close_visit_day(booking_office)

    assert result.flagged == 3
    assert sorted(notices().values_list("key", flat=True)) == sorted(
        [
            f"booking:{both.pk}:switched-off:{nine.pk}:email",
            f"booking:{both.pk}:switched-off:{nine.pk}:sms",
            f"booking:{phone_only.pk}:switched-off:{nine.pk}:sms",
            f"booking:{email_only.pk}:switched-off:{nine.pk}:email",
        ]
    )
    assert not both.sms_consent and not phone_only.sms_consent
    for sms in notices().filter(channel="sms").values_list("body_text", flat=True):
        assert len(sms) <= 160 and "Kantor tutup: Banjir." in sms, sms
    both.refresh_from_db()
    assert both.needs_attention, "the flag for staff stays"
    assert RescheduleLink.objects.count() == 3

    # Slots made again, the beat scan run again: nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        close_again = generate_slots(office=booking_office, start=TODAY, days=3)
    send_closure_notices()
    assert close_again.deactivated == 0
    assert notices().count() == 4 and RescheduleLink.objects.count() == 3


def test_the_messages_say_which_visit_is_off_why_and_where_to_pick_another(
    booking_office, visit, django_capture_on_commit_callbacks
):
    both, phone_only, *_ = visit
    with django_capture_on_commit_callbacks(execute=True):
        close_visit_day(booking_office, reason="Banjir di halaman kantor dan jalan masuk")

    email = notices().get(subject_id=both.pk, channel="email")
    assert both.code in email.title
    for text in (email.body_text, email.body_html):
        assert "Rabu, 2 Desember 2026 09.00 WIB" in text
        assert "Kantor tutup: Banjir di halaman kantor dan jalan masuk" in text
        assert "https://ktp.example.go.id/antrean/kelola/u/" in text
        assert "akhir hari Rabu, 9 Desember 2026" in text
        assert both.citizen.nik not in text
    sms = notices().get(subject_id=phone_only.pk, channel="sms").body_text
    assert phone_only.code in sms and "2 Des 09.00 WIB" in sms and "Kantor tutup" in sms
    assert "https://ktp.example.go.id/antrean/kelola/u/" in sms
    assert "Kantor tutup: Banjir di halaman kantor …" in sms  # a long reason is cut
    assert phone_only.citizen.nik not in sms


def test_changed_hours_say_so_in_the_citizens_language(
    booking_office, service, django_capture_on_commit_callbacks
):
    generate_slots(office=booking_office, start=TODAY, days=3)
    late = make_booking(at(booking_office, VISIT_DAY, 14, 30), service, language="en")
    OpeningHours.objects.filter(office=booking_office).update(closes_at=datetime.time(14))

    with django_capture_on_commit_callbacks(execute=True):
        generate_slots(office=booking_office, start=TODAY, days=3)

    sms = notices().get(subject_id=late.pk).body_text
    assert "Office hours changed" in sms and "Change it:" in sms


def test_the_beat_scan_tells_citizens_whose_task_was_lost(booking_office, visit):
    both, phone_only, email_only, *_ = visit
    close_visit_day(booking_office)  # never committed here: its task never ran
    assert not notices().exists()

    send_closure_notices()

    assert set(notices().values_list("subject_id", flat=True)) == {
        both.pk,
        phone_only.pk,
        email_only.pk,
    }


def test_the_scan_hands_out_keyset_batches_each_written_once(booking_office, visit, monkeypatch):
    monkeypatch.setattr(closure_notices, "BATCH_SIZE", 1)
    close_visit_day(booking_office)
    send_closure_notices()
    send_closure_notices()
    assert notices().count() == 4 and RescheduleLink.objects.count() == 3


def test_tokens_are_stored_hashed_and_tied_to_booking_and_slot(booking_office, visit):
    both, phone_only, *_ = visit
    close_visit_day(booking_office)
    send_closure_notices()

    token = link_in(both).rsplit("/", 2)[-2]
    link = RescheduleLink.objects.get(booking=both)
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest() != token
    assert not RescheduleLink.objects.filter(token_hash=token).exists()
    assert link.slot_id == both.slot_id
    # Midnight ending the seventh day after the visit, office time.
    assert link.expires_at == datetime.datetime(2026, 12, 10, tzinfo=booking_office.tz)
    assert link_in(both) != link_in(phone_only)


def test_the_link_opens_that_booking_in_a_fresh_browser_and_a_reschedule_works(
    booking_office, visit
):
    both, phone_only, *_ = visit
    close_visit_day(booking_office)
    send_closure_notices()
    new_slot = at(booking_office, NEXT_DAY, 10)

    browser = Client()
    response = browser.get(link_in(both))
    assert response.status_code == 302
    assert response["Location"] == reverse("antrean:reschedule-dates")
    assert browser.session["antrean_booking_id"] == both.pk
    dates = browser.get(response["Location"])
    assert dates.status_code == 200
    assert both.code in dates.text and "Kantor tidak dapat melayani" in dates.text
    assert phone_only.code not in dates.text

    confirm = reverse("antrean:reschedule-confirm", args=[NEXT_DAY, new_slot.pk])
    assert browser.post(confirm).status_code == 302
    both.refresh_from_db()
    assert both.slot == new_slot and both.reschedule_count == 1

    # Spent: the booking has left the switched-off slot.
    again = Client().get(link_in(both))
    assert again.status_code == 410
    assert "Tautan sudah dipakai" in again.text
    # The other booking's link opens only the other booking.
    other = Client()
    assert other.get(link_in(phone_only)).status_code == 302
    assert other.session["antrean_booking_id"] == phone_only.pk


def test_the_link_still_moves_or_cancels_the_visit_after_its_time(booking_office, visit):
    both, phone_only, *_ = visit
    close_visit_day(booking_office)
    send_closure_notices()
    new_slot = at(booking_office, NEXT_DAY, 10)

    # Wednesday 12.00 WIB: the 09.00 visit that was called off is past.
    with time_machine.travel(datetime.datetime(2026, 12, 2, 5, 0, tzinfo=datetime.UTC)):
        browser = Client()
        assert browser.get(link_in(both)).status_code == 302
        confirm = reverse("antrean:reschedule-confirm", args=[NEXT_DAY, new_slot.pk])
        assert browser.post(confirm).status_code == 302

        canceller = Client()
        assert canceller.get(link_in(phone_only)).status_code == 302
        assert canceller.post(reverse("antrean:cancel")).status_code == 302
    both.refresh_from_db()
    phone_only.refresh_from_db()
    assert both.slot == new_slot
    assert phone_only.status == Booking.Status.CANCELLED


def test_the_link_expires_a_week_after_the_visit_day_office_time(booking_office, visit):
    both, *_ = visit
    close_visit_day(booking_office)
    send_closure_notices()
    url = link_in(both)
    deadline = datetime.datetime(2026, 12, 10, tzinfo=booking_office.tz)
    assert deadline.date() == VISIT_DAY + datetime.timedelta(days=GRACE_DAYS + 1)

    with time_machine.travel(deadline - datetime.timedelta(seconds=1), tick=False):
        assert Client().get(url).status_code == 302
    with time_machine.travel(deadline, tick=False):
        response = Client().get(url)
        assert response.status_code == 410
        assert "Tautan sudah kedaluwarsa" in response.text
        # And the booking cannot be moved any more with its code and NIK either.
        moved = Client()
        found = moved.post(reverse("antrean:manage"), {"code": both.code, "nik": both.citizen.nik})
        assert found.status_code == 302
        # A day still ahead, so that the service (not the page's date check) answers.
        ahead = deadline.date() + datetime.timedelta(days=1)
        generate_slots(office=booking_office, start=ahead, days=1)
        late = moved.post(
            reverse("antrean:reschedule-confirm", args=[ahead, at(booking_office, ahead, 10).pk])
        )
        assert late.status_code == 400


def test_no_notice_once_the_deadline_has_passed(booking_office, visit):
    close_visit_day(booking_office)
    deadline = datetime.datetime(2026, 12, 10, tzinfo=booking_office.tz)
    with time_machine.travel(deadline, tick=False):
        send_closure_notices()
    assert not notices().exists()


@pytest.mark.parametrize("token", ["tidak-ada", "x" * 200, "%00"])
def test_an_unknown_link_gets_a_clear_page_not_an_error(client, booking_office, token):
    response = client.get(f"/antrean/kelola/u/{token}/")
    assert response.status_code == 404
    assert "Tautan tidak berlaku" in response.text
    assert "antrean_booking_id" not in client.session


def test_a_cancelled_booking_link_is_spent(booking_office, visit):
    both, *_ = visit
    close_visit_day(booking_office)
    send_closure_notices()
    cancel_booking(booking=both)
    response = Client().get(link_in(both))
    assert response.status_code == 410 and "Tautan sudah dipakai" in response.text


def test_wrong_links_are_counted_per_address_and_a_good_link_still_opens(
    booking_office, visit, settings
):
    settings.RATELIMIT_FAILURES_PER_ADDRESS = 3
    both, *_ = visit
    close_visit_day(booking_office)
    send_closure_notices()
    browser = Client()
    statuses = [
        browser.get(f"/antrean/kelola/u/wrong-{n}-{'x' * 20}/").status_code for n in range(4)
    ]
    assert statuses == [404, 404, 404, 429]
    # The failures before it do not refuse a link that is right.
    response = browser.get(link_in(both))
    assert response.status_code == 302
    assert browser.session["antrean_booking_id"] == both.pk
