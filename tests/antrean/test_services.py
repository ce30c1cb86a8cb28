import datetime
import uuid

import pytest
import time_machine
from django.core.exceptions import ValidationError

from antrean.models import Booking, Closure, Slot
from antrean.services import (
    BookingError,
    cancel_booking,
    check_in_booking,
    find_booking,
    mark_no_show,
    reschedule_booking,
    validate_full_name,
)
from ktpportal.models import Citizen
from ktpportal.notifications.models import Notification
from tests.antrean.factories import book, make_booking_office, slot_at
from tests.factories import VALID_NIK, make_nik, make_service_type

# Tuesday 1 December 2026, 08.00 WIB. Wednesday the 2nd is an ordinary working day.
NOW = datetime.datetime(2026, 12, 1, 1, 0, tzinfo=datetime.UTC)
TUESDAY = datetime.date(2026, 12, 1)
WEDNESDAY = datetime.date(2026, 12, 2)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def service(db):
    return make_service_type(name="KTP-el baru")


@pytest.fixture
def office(service):
    return make_booking_office(services=[service])


def test_booking_takes_a_seat_and_records_the_citizen(office, service):
    slot = slot_at(office, WEDNESDAY, 9)
    booking = book(
        slot, service, nik="3174-0112-0890-0001", full_name="  Siti   Aminah ", sms_consent=True
    )
    slot.refresh_from_db()
    assert slot.booked == 1
    assert booking.status == Booking.Status.ACTIVE
    assert booking.office == office and booking.slot == slot
    assert len(booking.code) == 14 and booking.code.count("-") == 2
    citizen = Citizen.objects.get(nik="3174011208900001")
    assert citizen.full_name == "Siti Aminah"
    assert booking.citizen == citizen


def test_booking_queues_the_confirmation_with_calendar(office, service):
    booking = book(slot_at(office, WEDNESDAY, 9), service, email="siti@example.id")
    email = Notification.objects.get(key=f"booking:{booking.pk}:confirmed:email")
    assert email.attachments[0]["mimetype"] == "text/calendar"
    assert booking.code in email.body_text
    # No consent, no short message.
    assert not Notification.objects.filter(key__startswith=f"booking:{booking.pk}:confirmed:s")


def test_same_form_twice_gives_one_booking(office, service):
    slot = slot_at(office, WEDNESDAY, 9)
    token = uuid.uuid4()
    first = book(slot, service, nik=VALID_NIK, token=token)
    second = book(slot, service, nik=VALID_NIK, token=token)
    assert first == second
    slot.refresh_from_db()
    assert slot.booked == 1
    assert Booking.objects.count() == 1


def test_full_slot_is_refused_and_nothing_is_saved(office, service):
    slot = slot_at(office, WEDNESDAY, 9, capacity=1, booked=1)
    with pytest.raises(BookingError) as error:
        book(slot, service, nik=VALID_NIK)
    assert error.value.code == "full"
    assert "penuh" in str(error.value.message)
    assert not Citizen.objects.filter(nik=VALID_NIK).exists()
    assert not Booking.objects.exists()


@pytest.mark.parametrize(
    ("day", "hour", "minute", "code"),
    [
        (TUESDAY, 7, 0, "past"),  # 07.00 WIB, an hour ago
        (TUESDAY, 8, 0, "past"),  # starting right now
        (TUESDAY, 8, 59, "cutoff"),  # inside the 60-minute cut-off
        (datetime.date(2026, 12, 15), 9, 0, "not_open"),  # day 15 of a 14-day window
    ],
)
def test_slot_outside_the_booking_window_is_refused(office, service, day, hour, minute, code):
    slot = slot_at(office, day, hour, minute)
    with pytest.raises(BookingError) as error:
        book(slot, service)
    assert error.value.code == code
    slot.refresh_from_db()
    assert slot.booked == 0


def test_last_day_of_the_window_and_the_cutoff_itself_are_open(office, service):
    book(slot_at(office, TUESDAY, 9), service)
    book(slot_at(office, datetime.date(2026, 12, 14), 9), service)


def test_inactive_slot_is_closed(office, service):
    slot = slot_at(office, WEDNESDAY, 9, is_active=False)
    with pytest.raises(BookingError) as error:
        book(slot, service)
    assert error.value.code == "closed"


def test_national_holiday_is_closed_with_its_name(service):
    office = make_booking_office(services=[service], settings={"days_ahead": 30})
    slot = slot_at(office, datetime.date(2026, 12, 25), 9)
    with pytest.raises(BookingError) as error:
        book(slot, service)
    assert error.value.code == "closed"
    assert str(error.value.message) == "Libur nasional: Hari Raya Natal"


def test_office_closure_is_closed_with_its_reason(office, service):
    Closure.objects.create(office=office, date=WEDNESDAY, reason="Pemadaman listrik")
    with pytest.raises(BookingError) as error:
        book(slot_at(office, WEDNESDAY, 9), service)
    assert error.value.code == "closed"
    assert str(error.value.message) == "Kantor tutup: Pemadaman listrik"


def test_half_day_closes_the_afternoon_only(office, service):
    Closure.objects.create(
        office=office, date=WEDNESDAY, reason="Rapat", closes_at=datetime.time(11)
    )
    book(slot_at(office, WEDNESDAY, 10, 30), service)
    with pytest.raises(BookingError) as error:
        book(slot_at(office, WEDNESDAY, 11), service)
    assert error.value.code == "closed"


def test_slot_of_another_service_is_refused(office, service):
    other = make_service_type()
    slot = slot_at(office, WEDNESDAY, 9, service_type=other)
    with pytest.raises(BookingError) as error:
        book(slot, service)
    assert error.value.code == "wrong_service"


def test_shared_slot_of_an_office_not_offering_the_service_is_refused(office):
    not_offered = make_service_type()
    with pytest.raises(BookingError) as error:
        book(slot_at(office, WEDNESDAY, 9), not_offered)
    assert error.value.code == "wrong_service"


def test_second_active_booking_for_the_same_nik_and_service_is_refused(office, service):
    first = book(slot_at(office, WEDNESDAY, 9), service, nik=VALID_NIK)
    other_slot = slot_at(office, WEDNESDAY, 10)
    with pytest.raises(BookingError) as error:
        book(other_slot, service, nik=VALID_NIK)
    assert error.value.code == "already_booked"
    message = str(error.value.message)
    assert "Kelola booking" in message
    assert first.code not in message and "09" not in message
    other_slot.refresh_from_db()
    assert other_slot.booked == 0


def test_same_nik_may_book_another_service_or_again_after_cancelling(office, service):
    other = make_service_type()
    office.office_services.create(service_type=other)
    first = book(slot_at(office, WEDNESDAY, 9), service, nik=VALID_NIK)
    book(slot_at(office, WEDNESDAY, 10), other, nik=VALID_NIK)
    cancel_booking(booking=first)
    book(slot_at(office, WEDNESDAY, 11), service, nik=VALID_NIK)
    assert Booking.objects.filter(status=Booking.Status.ACTIVE).count() == 2


def test_invalid_nik_is_refused_before_anything_is_saved(office, service):
    slot = slot_at(office, WEDNESDAY, 9)
    with pytest.raises(ValidationError):
        book(slot, service, nik="1234")
    slot.refresh_from_db()
    assert slot.booked == 0


def test_contact_is_required(office, service):
    with pytest.raises(ValidationError):
        book(slot_at(office, WEDNESDAY, 9), service, phone="", email="")
    assert not Booking.objects.exists()


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("Siti Aminah", "Siti Aminah"),
        ("  Budi   Santoso ", "Budi Santoso"),
        ("I Gusti Ngurah Rai", "I Gusti Ngurah Rai"),
        ("Ni'matul Khoiriyah", "Ni'matul Khoiriyah"),
        ("H. Abdul Rahman, S.H.", "H. Abdul Rahman, S.H."),
        ("Nur-Aini", "Nur-Aini"),
        ("José Ramos-Horta", "José Ramos-Horta"),
        ("Ab", "Ab"),
    ],
)
def test_full_name_accepts_names_as_on_the_kk(raw, stored):
    assert validate_full_name(raw) == stored


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "required"),
        ("   ", "required"),
        ("A", "min_length"),
        ("A" * 101, "max_length"),
        ("<script>alert(1)</script>", "characters"),
        ("Budi 😀", "characters"),
        ("😀😀", "characters"),
        ("Budi\x00Santoso", "characters"),
        ("Budi\u202eSantoso", "characters"),
        ("Agus 17", "characters"),
        ("..", "letters"),
    ],
)
def test_full_name_rejects_what_is_not_a_name(raw, code):
    with pytest.raises(ValidationError) as error:
        validate_full_name(raw)
    assert error.value.code == code


def test_find_booking_needs_both_code_and_nik(office, service):
    booking = book(slot_at(office, WEDNESDAY, 9), service, nik=VALID_NIK)
    assert find_booking(code=booking.code, nik=VALID_NIK) == booking
    typed = booking.code.replace("-", " ").lower()
    assert find_booking(code=typed, nik="3174 0112 0890 0001") == booking
    assert find_booking(code=booking.code, nik=make_nik()) is None
    assert find_booking(code="0000-0000-0000", nik=VALID_NIK) is None
    assert find_booking(code="not a code", nik=VALID_NIK) is None


def test_reschedule_moves_the_seat(office, service):
    old, new = slot_at(office, WEDNESDAY, 9), slot_at(office, WEDNESDAY, 13)
    booking = book(old, service, email="budi@example.id")
    moved = reschedule_booking(booking=booking, new_slot=new)
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.booked, new.booked) == (0, 1)
    assert moved.slot == new and moved.reschedule_count == 1
    assert Notification.objects.filter(key=f"booking:{booking.pk}:rescheduled:1:email").exists()


def test_reschedule_to_a_full_slot_leaves_the_booking_as_it_was(office, service):
    old = slot_at(office, WEDNESDAY, 9)
    full = slot_at(office, WEDNESDAY, 10, capacity=1, booked=1)
    booking = book(old, service)
    with pytest.raises(BookingError) as error:
        reschedule_booking(booking=booking, new_slot=full)
    assert error.value.code == "full"
    booking.refresh_from_db()
    old.refresh_from_db()
    full.refresh_from_db()
    assert booking.slot == old and booking.reschedule_count == 0
    assert (old.booked, full.booked) == (1, 1)


def test_reschedule_to_a_slot_of_lower_id_also_moves_the_seat(office, service):
    early = slot_at(office, WEDNESDAY, 9)
    late = slot_at(office, WEDNESDAY, 13)
    booking = book(late, service)
    reschedule_booking(booking=booking, new_slot=early)
    assert list(Slot.objects.order_by("pk").values_list("booked", flat=True)) == [1, 0]


def test_reschedule_to_another_office_is_refused(office, service):
    booking = book(slot_at(office, WEDNESDAY, 9), service)
    elsewhere = make_booking_office(services=[service])
    with pytest.raises(BookingError) as error:
        reschedule_booking(booking=booking, new_slot=slot_at(elsewhere, WEDNESDAY, 9))
    assert error.value.code == "wrong_office"


def test_reschedule_checks_the_new_slot_like_a_booking(office, service):
    booking = book(slot_at(office, WEDNESDAY, 9), service)
    Closure.objects.create(office=office, date=datetime.date(2026, 12, 3), reason="Banjir")
    with pytest.raises(BookingError) as error:
        reschedule_booking(booking=booking, new_slot=slot_at(office, datetime.date(2026, 12, 3), 9))
    assert error.value.code == "closed"


def test_reschedule_inside_the_cutoff_of_the_current_visit_is_refused(office, service):
    booking = book(slot_at(office, TUESDAY, 10), service)
    later = NOW + datetime.timedelta(hours=1, minutes=30)
    with time_machine.travel(later, tick=False), pytest.raises(BookingError) as error:
        reschedule_booking(booking=booking, new_slot=slot_at(office, WEDNESDAY, 9))
    assert error.value.code == "cutoff"


def test_cancel_frees_the_seat_at_once(office, service):
    slot = slot_at(office, WEDNESDAY, 9, capacity=1)
    booking = book(slot, service, email="budi@example.id")
    cancelled = cancel_booking(booking=booking)
    slot.refresh_from_db()
    assert slot.booked == 0
    assert cancelled.status == Booking.Status.CANCELLED and cancelled.cancelled_at == NOW
    assert Notification.objects.filter(key=f"booking:{booking.pk}:cancelled:email").exists()
    book(slot, service)  # the freed seat is someone else's now


def test_cancelled_booking_cannot_be_cancelled_or_moved_again(office, service):
    slot = slot_at(office, WEDNESDAY, 9)
    booking = book(slot, service)
    cancel_booking(booking=booking)
    for action in (
        lambda: cancel_booking(booking=booking),
        lambda: reschedule_booking(booking=booking, new_slot=slot_at(office, WEDNESDAY, 10)),
    ):
        with pytest.raises(BookingError) as error:
            action()
        assert error.value.code == "not_found"
    slot.refresh_from_db()
    assert slot.booked == 0


def test_visit_that_started_cannot_be_cancelled(office, service):
    booking = book(slot_at(office, TUESDAY, 10), service)
    later = NOW + datetime.timedelta(hours=3)
    with time_machine.travel(later, tick=False), pytest.raises(BookingError) as error:
        cancel_booking(booking=booking)
    assert error.value.code == "past"


def test_check_in_and_no_show_keep_the_seat_counted(office, service):
    slot = slot_at(office, WEDNESDAY, 9)
    came, absent = book(slot, service), book(slot, service)
    assert check_in_booking(booking=came).status == Booking.Status.CHECKED_IN
    assert mark_no_show(booking=absent).status == Booking.Status.NO_SHOW
    slot.refresh_from_db()
    assert slot.booked == 2
    with pytest.raises(BookingError):
        mark_no_show(booking=came)


def test_wit_office_checks_the_cutoff_in_its_own_time(service):
    # 08.00 WIB is 10.00 WIT: a 10.30 WIT slot is inside the 60-minute cut-off there.
    office = make_booking_office(services=[service], regency_code="9171")
    assert office.tz_label == "WIT"
    with pytest.raises(BookingError) as error:
        book(slot_at(office, TUESDAY, 10, 30), service)
    assert error.value.code == "cutoff"
    book(slot_at(office, TUESDAY, 11), service)
