import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from antrean.models import Booking
from ktpportal.notifications.models import Channel, Notification
from status.models import Application, StatusChange
from status.services import (
    StatusError,
    change_stage,
    change_stage_bulk,
    create_application,
)
from status.stages import Stage
from tests.antrean.factories import book, make_booking_office, slot_at
from tests.dokumen.factories import make_requirement
from tests.factories import make_citizen, make_staff
from tests.status.factories import make_application, make_applications_at, system_user

pytestmark = pytest.mark.django_db
RECEIPT = re.compile(r"[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}")


def test_create_application_starts_the_timeline(office_a, service):
    now = datetime.datetime(2026, 12, 1, 2, 0, tzinfo=datetime.UTC)
    with time_machine.travel(now, tick=False):
        application = create_application(
            citizen=make_citizen(), office=office_a, service_type=service, by=system_user()
        )
    assert RECEIPT.fullmatch(application.receipt_number)
    assert application.stage == Stage.DIAJUKAN
    assert application.promised_at == now + datetime.timedelta(hours=24)
    first = application.changes.get()
    assert (first.from_stage, first.to_stage) == ("", Stage.DIAJUKAN)


def test_staff_cannot_create_or_move_at_another_office(office_a, office_b, service):
    staff_b = make_staff(office_b)
    with pytest.raises(StatusError):
        create_application(
            citizen=make_citizen(), office=office_a, service_type=service, by=staff_b
        )
    application = make_application(office=office_a, service_type=service)
    with pytest.raises(StatusError):
        change_stage(application=application, to_stage=Stage.VERIFIKASI, by=staff_b)
    assert Application.objects.get().stage == Stage.DIAJUKAN


def test_ready_for_pickup_queues_email_and_sms_with_what_to_bring(office_a, service):
    make_requirement(service, name="Kartu Keluarga (KK)", short_name="KK asli")
    citizen = make_citizen(email="siti@example.id")
    application = make_application(
        office=office_a, service_type=service, citizen=citizen, stage=Stage.DICETAK
    )
    staff = make_staff(office_a)

    change = change_stage(application=application, to_stage=Stage.SIAP_DIAMBIL, by=staff)

    assert change.changed_by == staff
    sms = Notification.objects.get(channel=Channel.SMS, kind="status_changed")
    email = Notification.objects.get(channel=Channel.EMAIL, kind="status_changed")
    assert sms.key == f"application:{application.pk}:stage:{change.pk}:sms"
    assert application.receipt_number in sms.body_text
    assert "KK asli" in sms.body_text
    assert office_a.name in sms.body_text
    assert len(sms.body_text) <= 200
    assert "Kartu Keluarga (KK)" in email.body_text and office_a.address in email.body_text
    assert "Siap diambil" in email.title
    for message in (sms.body_text, email.body_text, email.body_html, email.title):
        assert citizen.nik not in message


def test_missing_documents_message_names_the_document(office_a, service):
    application = make_application(office=office_a, service_type=service, stage=Stage.VERIFIKASI)
    change_stage(
        application=application,
        to_stage=Stage.BERKAS_KURANG,
        by=system_user(),
        public_note="Fotokopi akta kelahiran belum ada.",
        internal_note="Dicek oleh loket 2.",
    )
    sms = Notification.objects.get(channel=Channel.SMS)
    assert "akta kelahiran" in sms.body_text
    assert "loket 2" not in sms.body_text


def test_bulk_moves_two_hundred_and_reports_the_rest(office_a, office_b, service):
    printed = make_applications_at(200, office=office_a, service_type=service, stage=Stage.DICETAK)
    not_printed = [
        make_application(office=office_a, service_type=service, stage=Stage.VERIFIKASI)
        for _ in range(3)
    ]
    elsewhere = make_application(office=office_b, service_type=service, stage=Stage.DICETAK)
    staff = make_staff(office_a)
    before = StatusChange.objects.count()
    ids = [a.pk for a in [*printed, *not_printed, elsewhere]]

    with CaptureQueriesContext(connection) as queries:
        moved, skipped = change_stage_bulk(
            applications=Application.objects.filter(pk__in=ids),
            to_stage=Stage.SIAP_DIAMBIL,
            by=staff,
        )

    assert {a.pk for a in moved} == {a.pk for a in printed}
    assert {a.pk for a, _ in skipped} == {a.pk for a in [*not_printed, elsewhere]}
    assert all(reason for _, reason in skipped)
    assert StatusChange.objects.count() == before + 200
    for application in printed[:5]:
        assert application.changes.filter(to_stage=Stage.SIAP_DIAMBIL).count() == 1
    assert Application.objects.filter(stage=Stage.SIAP_DIAMBIL).count() == 200
    assert Application.objects.get(pk=elsewhere.pk).stage == Stage.DICETAK
    # One checklist for all 200, not one per application.
    checklist_queries = [q for q in queries.captured_queries if "dokumen_requirement" in q["sql"]]
    assert len(checklist_queries) == 1


@time_machine.travel(
    datetime.datetime(2026, 12, 1, 1, 0, tzinfo=datetime.UTC)
)  # a day before the visit
def test_create_from_a_booking_links_and_checks_it_in(service):
    office = make_booking_office(services=[service])
    booking = book(slot_at(office, datetime.date(2026, 12, 2), 9), service)
    with time_machine.travel(datetime.datetime(2026, 12, 2, 2, tzinfo=datetime.UTC)):
        application = create_application(
            citizen=booking.citizen,
            office=office,
            service_type=service,
            booking=booking,
            by=make_staff(office),
        )
    assert application.booking == booking
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CHECKED_IN
    with pytest.raises(StatusError):
        create_application(
            citizen=booking.citizen,
            office=office,
            service_type=service,
            booking=booking,
            by=system_user(),
        )


@time_machine.travel(
    datetime.datetime(2026, 12, 1, 1, 0, tzinfo=datetime.UTC)
)  # a day before the visit
def test_a_booking_of_another_citizen_is_refused(service):
    office = make_booking_office(services=[service])
    booking = book(slot_at(office, datetime.date(2026, 12, 2), 9), service)
    with pytest.raises(StatusError):
        create_application(
            citizen=make_citizen(),
            office=office,
            service_type=service,
            booking=booking,
            by=system_user(),
        )
    assert not Application.objects.exists()
