"""Tickets are numbered per office, day and letter (A-001, B-001, ...); walk-ins come from
a per-day quota per service; a walk-in's phone gets the ticket's short message."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from antrean.models import Closure, OfficeService, Ticket, TicketSequence, WalkInTally
from antrean.visit.arrival import check_in, issue_walk_in
from antrean.visit.closing import end_days
from antrean.visit.errors import VisitError
from ktpportal.notifications.models import Notification
from tests.antrean.visit.conftest import VISIT_DAY, at, booked, make_office
from tests.factories import make_service_type


def walk_in(office, service, staff, **kwargs):
    return issue_walk_in(office=office, service_type=service, staff=staff, **kwargs)


def refused(reason, *args, **kwargs):
    with pytest.raises(VisitError) as caught:
        walk_in(*args, **kwargs)
    assert caught.value.code == reason, caught.value.message
    return str(caught.value)


def test_numbers_follow_each_letter_at_each_office_and_start_again_each_day(
    office, service, staff, clock
):
    other_service = make_service_type(name="Penggantian KTP-el rusak")
    OfficeService.objects.create(
        office=office, service_type=other_service, ticket_letter="B", walk_in_quota=5
    )
    other_office = make_office(service)
    booking = booked(office, service, 9)
    clock.move_to(at(office, 8, 30))

    labels = [
        walk_in(office, service, staff).label,
        walk_in(office, other_service, staff).label,
        check_in(office=office, code=booking.code, staff=staff).label,
        walk_in(office, other_service, staff).label,
        walk_in(other_office, service, staff).label,
    ]
    assert labels == ["A-001", "B-001", "A-002", "B-002", "A-001"]

    clock.move_to(at(office, 8, 30, day=VISIT_DAY + datetime.timedelta(days=1)))
    assert walk_in(office, service, staff).label == "A-001"
    # The end of the day drops the past days' numbering and quota rows.
    end_days()
    assert set(TicketSequence.objects.values_list("day", flat=True)) == {
        VISIT_DAY + datetime.timedelta(days=1)
    }
    assert set(WalkInTally.objects.values_list("day", flat=True)) == {
        VISIT_DAY + datetime.timedelta(days=1)
    }


def test_walk_ins_stop_at_the_days_quota_per_service(office, service, staff, clock):
    clock.move_to(at(office, 8))
    for _ in range(5):
        walk_in(office, service, staff)
    message = refused("walk_ins_full", office, service, staff)
    assert message == (
        "Kuota antrean tanpa booking untuk KTP-el baru hari ini (5 orang) sudah habis."
    )
    assert Ticket.objects.count() == 5
    assert WalkInTally.objects.get().issued == 5


def test_a_service_without_a_quota_or_not_offered_takes_no_walk_ins(office, service, staff, clock):
    OfficeService.objects.filter(office=office).update(walk_in_quota=0)
    clock.move_to(at(office, 8))
    assert refused("no_walk_ins", office, service, staff) == (
        "KTP-el baru tidak menerima antrean tanpa booking."
    )
    refused("service_not_offered", office, make_service_type(name="Lain"), staff)
    assert not Ticket.objects.exists()


def test_no_walk_ins_on_a_closed_day_or_after_closing(office, service, staff, clock):
    Closure.objects.create(office=office, date=VISIT_DAY, reason="Banjir")
    clock.move_to(at(office, 9))
    assert refused("closed_today", office, service, staff) == (
        "Kantor tidak melayani hari ini: Kantor tutup: Banjir"
    )
    clock.move_to(at(office, 15, day=VISIT_DAY + datetime.timedelta(days=1)))
    assert refused("closed_now", office, service, staff) == (
        "Kantor sudah tutup hari ini (pukul 15.00 WIB)."
    )


def test_a_walk_ins_phone_gets_the_ticket_and_a_bad_number_is_refused(
    office, service, staff, clock
):
    clock.move_to(at(office, 8, 2))
    with pytest.raises(ValidationError):
        walk_in(office, service, staff, phone="12345")
    ticket = walk_in(office, service, staff, phone="0812-3456-7890", priority="disabilitas")
    assert (ticket.phone, ticket.priority) == ("+6281234567890", "disabilitas")
    sms = Notification.objects.get(kind="visit_ticket")
    # Nobody ahead: called as soon as a counter is free, rounded up to five minutes.
    assert "perkiraan dipanggil 08.05 WIB" in sms.body_text
