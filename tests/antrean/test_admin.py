"""The office's side: staff see and change only their own office's bookings and settings."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from antrean.demo import grant_permissions
from antrean.models import Booking, BookingSettings, OpeningHours, Slot
from antrean.slots import generate_slots
from ktpportal.models import StaffRole
from tests.antrean.factories import book, make_booking_office, slot_at
from tests.factories import VALID_NIK, make_service_type, make_staff

NOW = datetime.datetime(2026, 12, 1, 1, 0, tzinfo=datetime.UTC)  # Tuesday 08.00 WIB
WEDNESDAY = datetime.date(2026, 12, 2)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def service(db):
    return make_service_type(name="Penggantian KTP-el rusak")


@pytest.fixture
def offices(service):
    office_a = make_booking_office(services=[service], name="Kantor A")
    office_b = make_booking_office(services=[service], name="Kantor B")
    grant_permissions()  # the staff roles' permissions, as seed_demo gives them
    return office_a, office_b


@pytest.fixture
def bookings(offices, service):
    office_a, office_b = offices
    mine = book(slot_at(office_a, WEDNESDAY, 9), service, nik=VALID_NIK, full_name="Ani A")
    theirs = book(slot_at(office_b, WEDNESDAY, 9), service, full_name="Bambang B")
    return mine, theirs


@pytest.fixture
def counter(client, offices):
    client.force_login(make_staff(offices[0], role=StaffRole.COUNTER))
    return client


def test_counter_staff_list_only_their_office_with_masked_niks(counter, bookings):
    mine, theirs = bookings
    response = counter.get(reverse("admin:antrean_booking_changelist"))
    assert response.status_code == 200
    content = response.content.decode()
    assert mine.code in content and theirs.code not in content
    assert (
        VALID_NIK not in content
        and "3174\u2022\u2022\u2022\u2022\u2022\u2022\u2022\u20220001" in content
    )


def test_another_offices_booking_is_not_found_by_url(counter, bookings):
    _mine, theirs = bookings
    url = reverse("admin:antrean_booking_change", args=[theirs.pk])
    response = counter.get(url)
    assert response.status_code == 302 and theirs.code not in response.content.decode()
    response = counter.post(url, {"needs_attention": "on"})
    assert response.status_code == 302
    theirs.refresh_from_db()
    assert not theirs.needs_attention


def test_search_is_by_exact_code_or_nik(counter, bookings):
    mine, _theirs = bookings
    url = reverse("admin:antrean_booking_changelist")
    for term in (mine.code.lower().replace("-", ""), VALID_NIK):
        assert mine.code in counter.get(url, {"q": term}).content.decode()
    for term in (mine.code[:4], VALID_NIK[:6], "Ani"):
        assert mine.code not in counter.get(url, {"q": term}).content.decode()


def test_actions_mark_visits_through_the_services(counter, bookings):
    mine, theirs = bookings
    url = reverse("admin:antrean_booking_changelist")
    counter.post(url, {"action": "mark_checked_in", "_selected_action": [mine.pk, theirs.pk]})
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.status == Booking.Status.CHECKED_IN
    assert theirs.status == Booking.Status.ACTIVE  # outside the queryset, untouched
    response = counter.post(
        url, {"action": "mark_no_show", "_selected_action": [mine.pk]}, follow=True
    )
    assert "dilewati" in response.content.decode()
    mine.refresh_from_db()
    assert mine.status == Booking.Status.CHECKED_IN


def test_change_form_saves_only_the_attention_flag(counter, bookings):
    mine, _theirs = bookings
    Booking.objects.filter(pk=mine.pk).update(needs_attention=True, attention_reason="Jam berubah")
    url = reverse("admin:antrean_booking_change", args=[mine.pk])
    assert counter.get(url).status_code == 200
    response = counter.post(url, {"status": "cancelled"})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.status == Booking.Status.ACTIVE
    assert not mine.needs_attention and mine.attention_reason == ""


def test_staff_cannot_add_or_delete_bookings(counter, bookings):
    mine, _theirs = bookings
    assert counter.get(reverse("admin:antrean_booking_add")).status_code == 403
    assert counter.get(reverse("admin:antrean_booking_delete", args=[mine.pk])).status_code == 403


def test_daily_list_is_printable_masked_and_scoped(counter, offices, bookings, service):
    office_a, office_b = offices
    mine, theirs = bookings
    url = reverse("admin:antrean_booking_daily_list")
    response = counter.get(url, {"office": office_a.pk, "date": "2026-12-02"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "Ani A" in content and "Bambang B" not in content
    assert VALID_NIK not in content and "\u2022" in content
    assert "09.00 WIB" in content
    assert "antrean/admin-daily-list.css" in content
    crafted = counter.get(url, {"office": office_b.pk, "date": "2026-12-02"}).content.decode()
    assert "Bambang B" not in crafted and theirs.code not in crafted
    other = make_service_type()
    filtered = counter.get(
        url, {"office": office_a.pk, "date": "2026-12-02", "service_type": other.pk}
    )
    assert "Ani A" not in filtered.content.decode()


def test_daily_list_leaves_out_cancelled_visits(counter, offices, bookings):
    from antrean.services import cancel_booking

    mine, _theirs = bookings
    cancel_booking(booking=mine)
    url = reverse("admin:antrean_booking_daily_list")
    content = counter.get(url, {"office": offices[0].pk, "date": "2026-12-02"}).content.decode()
    assert "Ani A" not in content


def test_slots_are_read_only_and_scoped(counter, offices):
    office_a, office_b = offices
    theirs = slot_at(office_b, WEDNESDAY, 9)
    mine = slot_at(office_a, WEDNESDAY, 10)
    response = counter.get(reverse("admin:antrean_slot_changelist"))
    assert response.status_code == 200
    listed = response.content.decode()
    assert f"/antrean/slot/{mine.pk}/change/" in listed
    assert f"/antrean/slot/{theirs.pk}/change/" not in listed
    page = counter.get(reverse("admin:antrean_slot_change", args=[mine.pk])).content.decode()
    assert 'name="_save"' not in page
    assert counter.get(reverse("admin:antrean_slot_change", args=[theirs.pk])).status_code == 302


def _setup_form(office, **changes):
    """The POST of the setup page as the browser would send it, with `changes`."""
    settings = BookingSettings.objects.get(office=office)
    hours = list(OpeningHours.objects.filter(office=office).order_by("weekday"))
    services = list(office.office_services.all())
    data = {
        "booking_settings-TOTAL_FORMS": "1",
        "booking_settings-INITIAL_FORMS": "1",
        "booking_settings-0-id": settings.pk,
        "booking_settings-0-office": office.pk,
        "booking_settings-0-days_ahead": settings.days_ahead,
        "booking_settings-0-booking_opens_at": f"{settings.booking_opens_at:%H:%M}",
        "booking_settings-0-cutoff_minutes": settings.cutoff_minutes,
        "booking_settings-0-slot_minutes": settings.slot_minutes,
        "booking_settings-0-seats_per_slot": settings.seats_per_slot,
        "booking_settings-0-shared_seats": "on",
        "booking_settings-0-reminder_time": "08:00",
        "office_services-TOTAL_FORMS": str(len(services)),
        "office_services-INITIAL_FORMS": str(len(services)),
        "opening_hours-TOTAL_FORMS": str(len(hours)),
        "opening_hours-INITIAL_FORMS": str(len(hours)),
        "closures-TOTAL_FORMS": "0",
        "closures-INITIAL_FORMS": "0",
    }
    for n, row in enumerate(services):
        data |= {
            f"office_services-{n}-id": row.pk,
            f"office_services-{n}-office": office.pk,
            f"office_services-{n}-service_type": row.service_type_id,
            f"office_services-{n}-is_active": "on",
            f"office_services-{n}-ticket_letter": row.ticket_letter,
            f"office_services-{n}-walk_in_quota": row.walk_in_quota,
        }
    for n, row in enumerate(hours):
        data |= {
            f"opening_hours-{n}-id": row.pk,
            f"opening_hours-{n}-office": office.pk,
            f"opening_hours-{n}-weekday": row.weekday,
            f"opening_hours-{n}-opens_at": "08:00",
            f"opening_hours-{n}-closes_at": "15:00",
            f"opening_hours-{n}-break_starts_at": "12:00",
            f"opening_hours-{n}-break_ends_at": "13:00",
        }
    return data | changes


@pytest.fixture
def office_admin(client, offices):
    client.force_login(make_staff(offices[0], role=StaffRole.ADMIN))
    return client


def test_office_admin_changes_hours_and_booked_slots_are_flagged(office_admin, offices, service):
    office_a, _office_b = offices
    generate_slots(office=office_a, start=WEDNESDAY, days=1)
    late = Slot.objects.get(
        office=office_a,
        starts_at=datetime.datetime.combine(WEDNESDAY, datetime.time(14, 30), tzinfo=office_a.tz),
    )
    booking = book(late, service)
    url = reverse("admin:antrean_bookingsetup_change", args=[office_a.pk])
    data = _setup_form(office_a, **{"opening_hours-2-closes_at": "14:00"})  # Wednesday
    response = office_admin.post(url, data, follow=True)
    assert response.status_code == 200
    assert "ditandai perlu ditindaklanjuti" in response.content.decode()
    booking.refresh_from_db()
    late.refresh_from_db()
    assert booking.needs_attention and not late.is_active
    assert OpeningHours.objects.get(office=office_a, weekday=2).closes_at == datetime.time(14)


def test_setup_page_refuses_hours_that_make_no_sense(office_admin, offices):
    office_a, _office_b = offices
    url = reverse("admin:antrean_bookingsetup_change", args=[office_a.pk])
    data = _setup_form(office_a, **{"opening_hours-0-break_starts_at": "16:00"})
    response = office_admin.post(url, data)
    assert response.status_code == 200
    assert "Istirahat harus di antara jam buka dan jam tutup." in response.content.decode()
    assert OpeningHours.objects.get(office=office_a, weekday=0).break_starts_at == datetime.time(12)


def test_setup_of_another_office_is_out_of_reach(office_admin, offices):
    _office_a, office_b = offices
    url = reverse("admin:antrean_bookingsetup_change", args=[office_b.pk])
    assert office_admin.get(url).status_code == 302
    office_admin.post(url, _setup_form(office_b, **{"opening_hours-0-closes_at": "10:00"}))
    assert OpeningHours.objects.get(office=office_b, weekday=0).closes_at == datetime.time(15)
    listing = office_admin.get(reverse("admin:antrean_bookingsetup_changelist")).content.decode()
    assert "Kantor A" in listing and "Kantor B" not in listing


def test_counter_staff_cannot_change_office_settings(counter, offices):
    url = reverse("admin:antrean_bookingsetup_change", args=[offices[0].pk])
    assert counter.get(url).status_code == 403


def test_staff_of_one_office_get_no_office_column_or_filter(counter, bookings):
    page = counter.get(reverse("admin:antrean_booking_changelist")).content.decode()
    assert "column-visit_time" in page and "column-status" in page
    assert "column-office" not in page
    assert "office__id__exact" not in page
    # Django's own words, in Indonesian too (its catalogue lacks these newer ones).
    assert "Filter by" not in page and "Saring menurut" in page
    assert "Select an option" not in page


def test_staff_of_several_offices_see_which_office_each_booking_is_at(client, offices, bookings):
    office_a, office_b = offices
    staff = make_staff(office_a, role=StaffRole.COUNTER)
    staff.memberships.create(office=office_b, role=StaffRole.COUNTER)
    client.force_login(staff)
    page = client.get(reverse("admin:antrean_booking_changelist")).content.decode()
    assert "column-office" in page
    assert "Kantor A" in page and "Kantor B" in page
