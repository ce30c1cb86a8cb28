"""Visit reminders from the beat scan: the day before at the office's reminder time and two
hours before, in the office's own zone, once each; none for cancelled or checked-in
bookings, and none by SMS without consent."""

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command

from antrean.models import Closure
from antrean.reminders import DAY_BEFORE, LEASE, SAME_DAY, due_batches, write_due_reminders
from antrean.services import cancel_booking, check_in_booking, reschedule_booking
from antrean.slots import generate_slots
from ktpportal.celery import app as celery_app
from ktpportal.jobs import OutOfTime
from ktpportal.models import JobRun
from ktpportal.notifications.models import Notification, State
from tests.antrean.factories import book, make_booking_office, slot_at
from tests.factories import make_service_type

UTC = datetime.UTC
# Kota Jayapura (WIT, UTC+9). The visit: Wednesday 2 December 2026, 09.00 WIT = 00.00 UTC.
BOOKED_AT = datetime.datetime(2026, 11, 30, 0, 0, tzinfo=UTC)  # Monday 09.00 WIT
DAY_BEFORE_AT = datetime.datetime(2026, 11, 30, 23, 0, tzinfo=UTC)  # Tuesday 08.00 WIT
SAME_DAY_AT = datetime.datetime(2026, 12, 1, 22, 0, tzinfo=UTC)  # Wednesday 07.00 WIT
SECOND = datetime.timedelta(seconds=1)


@pytest.fixture
def visit(db):
    """Three bookings for the same slot: SMS consent, no consent, cancelled."""
    service_type = make_service_type()
    office = make_booking_office(
        services=[service_type], weekdays=range(7), regency_code="9171", name="Dukcapil Jayapura"
    )
    with time_machine.travel(BOOKED_AT, tick=False):
        slot = slot_at(office, datetime.date(2026, 12, 2), 9)
        consenting = book(slot, service_type, email="siti@example.org", sms_consent=True)
        silent = book(slot, service_type, email="budi@example.org", sms_consent=False)
        cancelled = book(slot, service_type, email="ani@example.org", sms_consent=True)
        cancel_booking(booking=cancelled)
    # Drop the confirmations, to see only what the reminder scan writes.
    Notification.objects.all().delete()
    return consenting, silent, cancelled


def _written():
    return sorted(Notification.objects.values_list("key", flat=True))


def _run_at(moment):
    with time_machine.travel(moment, tick=False):
        return write_due_reminders()


def test_day_before_reminder_goes_out_at_the_office_reminder_time_in_its_own_zone(visit):
    consenting, silent, _ = visit

    assert _run_at(DAY_BEFORE_AT - SECOND) == 0
    assert _run_at(DAY_BEFORE_AT) == 2
    assert _run_at(DAY_BEFORE_AT + datetime.timedelta(minutes=5)) == 0

    assert _written() == sorted(
        [
            f"booking:{consenting.pk}:reminder-day-before:email",
            f"booking:{consenting.pk}:reminder-day-before:sms",
            f"booking:{silent.pk}:reminder-day-before:email",
        ]
    )
    sms = Notification.objects.get(channel="sms")
    assert sms.kind == DAY_BEFORE
    assert consenting.code in sms.body_text
    assert "09.00 WIT" in sms.body_text
    assert len(sms.body_text) <= 160
    email = Notification.objects.get(key__startswith=f"booking:{consenting.pk}", channel="email")
    assert "WIT" in email.title
    assert "Dukcapil Jayapura" in email.body_text


def test_same_day_reminder_goes_out_two_hours_before_once(visit):
    consenting, silent, _ = visit
    _run_at(DAY_BEFORE_AT)

    assert _run_at(SAME_DAY_AT - SECOND) == 0
    assert _run_at(SAME_DAY_AT) == 2
    assert _run_at(SAME_DAY_AT + datetime.timedelta(minutes=30)) == 0

    same_day = Notification.objects.filter(kind=SAME_DAY)
    assert sorted(same_day.values_list("key", flat=True)) == sorted(
        [
            f"booking:{consenting.pk}:reminder-same-day:email",
            f"booking:{consenting.pk}:reminder-same-day:sms",
            f"booking:{silent.pk}:reminder-same-day:email",
        ]
    )


def test_office_reminder_time_is_used(visit):
    consenting, _, _ = visit
    settings = consenting.office.booking_settings
    settings.reminder_time = datetime.time(17, 30)
    with time_machine.travel(BOOKED_AT, tick=False):  # saved before the visit
        settings.save()
    tuesday_1730_wit = datetime.datetime(2026, 12, 1, 8, 30, tzinfo=UTC)

    assert _run_at(DAY_BEFORE_AT) == 0
    assert _run_at(tuesday_1730_wit) == 2


def test_no_reminder_for_cancelled_checked_in_or_past_visits(visit):
    consenting, silent, cancelled = visit
    with time_machine.travel(SAME_DAY_AT + datetime.timedelta(hours=1), tick=False):
        check_in_booking(booking=silent)

    _run_at(DAY_BEFORE_AT)
    _run_at(SAME_DAY_AT + datetime.timedelta(hours=1))
    assert _run_at(SAME_DAY_AT + datetime.timedelta(hours=3)) == 0  # the visit has begun

    keys = _written()
    assert not any(key.startswith(f"booking:{cancelled.pk}:") for key in keys)
    assert not any(key.startswith(f"booking:{silent.pk}:reminder-same-day") for key in keys)


def test_a_booking_made_after_the_reminder_moment_gets_no_day_before_reminder(visit):
    consenting, _, _ = visit
    type(consenting).objects.filter(pk=consenting.pk).update(created_at=DAY_BEFORE_AT + SECOND)

    _run_at(DAY_BEFORE_AT + datetime.timedelta(hours=1))

    assert not any(key.startswith(f"booking:{consenting.pk}:") for key in _written())


def test_send_reminders_command_writes_and_sends_without_a_broker(
    visit, settings, monkeypatch, mailoutbox
):
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    settings.NOTIFICATION_REQUEUE_AFTER = 0

    out = io.StringIO()
    with time_machine.travel(DAY_BEFORE_AT, tick=False):
        call_command("send_reminders", stdout=out)

    assert "reminders written: 2" in out.getvalue()

    assert set(Notification.objects.values_list("state", flat=True)) == {State.SENT}
    assert sorted(m.to[0] for m in mailoutbox) == ["budi@example.org", "siti@example.org"]


def test_the_beat_scan_hands_out_batches_that_write_each_reminder_once(visit, monkeypatch):
    from antrean import reminders

    consenting, silent, _ = visit
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    monkeypatch.setattr(reminders, "BATCH_SIZE", 1)  # one batch per booking

    with time_machine.travel(DAY_BEFORE_AT, tick=False):
        reminders.send_due_reminders.delay()
        reminders.send_due_reminders.delay()

    assert _written() == sorted(
        [
            f"booking:{consenting.pk}:reminder-day-before:email",
            f"booking:{consenting.pk}:reminder-day-before:sms",
            f"booking:{silent.pk}:reminder-day-before:email",
        ]
    )


# --- The stored due time: what keeps it right, and what the scan reads -----------------


def _due_at(booking):
    booking.refresh_from_db(fields=["next_reminder_at"])
    return booking.next_reminder_at


def test_each_booking_stores_when_its_next_reminder_is_due(visit):
    consenting, silent, cancelled = visit

    assert _due_at(consenting) == DAY_BEFORE_AT
    assert _due_at(cancelled) is None
    _run_at(DAY_BEFORE_AT)
    assert _due_at(consenting) == SAME_DAY_AT
    _run_at(SAME_DAY_AT)
    assert _due_at(consenting) is None
    with time_machine.travel(SAME_DAY_AT + datetime.timedelta(minutes=30), tick=False):
        check_in_booking(booking=silent)
    assert _due_at(silent) is None


def test_a_moved_visit_is_reminded_at_its_own_moments(visit):
    consenting, _, _ = visit
    later = slot_at(consenting.office, datetime.date(2026, 12, 3), 10)  # Thursday 10.00 WIT
    with time_machine.travel(BOOKED_AT + datetime.timedelta(hours=1), tick=False):
        reschedule_booking(booking=consenting, new_slot=later)

    assert _due_at(consenting) == DAY_BEFORE_AT + datetime.timedelta(days=1)
    assert _run_at(DAY_BEFORE_AT) == 1  # only the visit that stayed on Wednesday
    assert _run_at(DAY_BEFORE_AT + datetime.timedelta(days=1)) == 2
    assert f"booking:{consenting.pk}:reminder-day-before:1:sms" in _written()


def test_a_new_reminder_time_moves_the_stored_due_time(visit):
    consenting, _, _ = visit
    settings = consenting.office.booking_settings
    settings.reminder_time = datetime.time(17, 30)
    with time_machine.travel(BOOKED_AT, tick=False):  # saved before the visit
        settings.save()

    assert _due_at(consenting) == datetime.datetime(2026, 12, 1, 8, 30, tzinfo=UTC)


def test_no_reminder_for_a_slot_the_office_switched_off(visit):
    consenting, silent, _ = visit
    office = consenting.office
    with time_machine.travel(BOOKED_AT + datetime.timedelta(hours=1), tick=False):
        Closure.objects.create(office=office, date=datetime.date(2026, 12, 2), reason="Banjir")
        generate_slots(office=office, start=datetime.date(2026, 12, 1), days=2)
    consenting.slot.refresh_from_db()
    assert not consenting.slot.is_active
    assert _due_at(consenting) is None

    assert _run_at(DAY_BEFORE_AT) == 0
    assert _run_at(SAME_DAY_AT) == 0
    assert _written() == []


def test_a_slot_switched_on_again_gets_its_reminders_back(visit):
    consenting, silent, _ = visit
    office = consenting.office
    with time_machine.travel(BOOKED_AT + datetime.timedelta(hours=1), tick=False):
        closure = Closure.objects.create(
            office=office, date=datetime.date(2026, 12, 2), reason="Banjir"
        )
        generate_slots(office=office, start=datetime.date(2026, 12, 1), days=2)
        closure.delete()
        generate_slots(office=office, start=datetime.date(2026, 12, 1), days=2)

    assert _due_at(consenting) == DAY_BEFORE_AT
    assert _run_at(DAY_BEFORE_AT) == 2


def test_a_batch_whose_task_was_lost_is_handed_out_again_after_its_lease(visit):
    consenting, silent, _ = visit
    handed = list(due_batches(DAY_BEFORE_AT))  # leased, but no task ever writes them
    assert sorted(handed[0]) == sorted([consenting.pk, silent.pk])

    assert _run_at(DAY_BEFORE_AT + LEASE - SECOND) == 0
    assert _run_at(DAY_BEFORE_AT + LEASE) == 2


def test_a_booking_never_written_stops_being_handed_out_when_its_visit_begins(visit):
    consenting, silent, _ = visit
    visit_starts = consenting.slot.starts_at
    for moment in (DAY_BEFORE_AT, SAME_DAY_AT):
        list(due_batches(moment))  # handed out, and every task lost

    assert _run_at(visit_starts + SECOND) == 0
    assert _due_at(consenting) is None and _due_at(silent) is None
    assert list(due_batches(visit_starts + LEASE)) == []


def test_a_scan_stopped_after_a_batch_leaves_the_rest_for_the_next_one(visit, monkeypatch):
    from antrean import reminders

    consenting, silent, _ = visit
    monkeypatch.setattr(reminders, "BATCH_SIZE", 1)
    scan = due_batches(DAY_BEFORE_AT)
    first = next(scan)
    scan.close()  # as a time limit would stop it, between batches
    assert _due_at(consenting if first == [consenting.pk] else silent) == DAY_BEFORE_AT + LEASE

    with time_machine.travel(DAY_BEFORE_AT + datetime.timedelta(minutes=5), tick=False):
        assert write_due_reminders() == 1  # the one the first scan did not reach


def test_the_beat_scan_records_its_run(visit, monkeypatch):
    from antrean import reminders

    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    with time_machine.travel(DAY_BEFORE_AT, tick=False):
        reminders.send_due_reminders.delay()

    run = JobRun.objects.get(name="send-due-reminders")
    assert run.last_succeeded_at == DAY_BEFORE_AT
    assert run.last_summary == "2 bookings handed out"


def test_a_scan_out_of_time_stops_between_batches_and_the_next_one_goes_on(visit, monkeypatch):
    from antrean import reminders

    def reminded() -> set[str]:
        return {key.split(":")[1] for key in _written()}

    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    monkeypatch.setattr(reminders, "BATCH_SIZE", 1)
    with time_machine.travel(DAY_BEFORE_AT, tick=False), pytest.raises(OutOfTime):
        reminders.send_due_reminders(budget=0)  # no time: one batch, then it stops
    run = JobRun.objects.get(name="send-due-reminders")
    assert run.last_failed_at == DAY_BEFORE_AT and run.last_succeeded_at is None
    assert len(reminded()) == 1

    with time_machine.travel(DAY_BEFORE_AT + datetime.timedelta(minutes=5), tick=False):
        reminders.send_due_reminders()
    assert len(reminded()) == 2
