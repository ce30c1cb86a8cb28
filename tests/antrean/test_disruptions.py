"""Disruption notices (SIAK down, a power cut): posted by an office admin for a day, shown on
that office's pages for that day until they end, and sent once per booking and revision."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from antrean import disruptions
from antrean.demo import grant_permissions
from antrean.disruptions import save_disruption
from antrean.models import Disruption
from antrean.services import cancel_booking
from antrean.tasks import send_disruption_notices
from ktpportal.celery import app as celery_app
from ktpportal.models import StaffRole
from ktpportal.notifications.models import Notification
from tests.antrean.conftest import NOW, VISIT_DAY, make_booking, make_slot, open_office
from tests.factories import make_nik, make_staff

pytestmark = pytest.mark.django_db

NEXT_DAY = VISIT_DAY + datetime.timedelta(days=1)
SIAK = "Jaringan SIAK terganggu, perekaman ditunda sampai pukul 11.00."


@pytest.fixture(autouse=True)
def eager_tasks(monkeypatch):
    # The writer tasks run in-process (with REDIS_URL set they would wait for a worker).
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)


@pytest.fixture
def day_bookings(booking_office, service):
    """On the visit day: 09.00 with email and no SMS consent, 13.00 phone only, a cancelled
    one; and one on the next day."""
    morning = make_booking(
        make_slot(booking_office, hour=9), service, nik=make_nik(), email="siti@example.org"
    )
    afternoon = make_booking(make_slot(booking_office, hour=13), service, nik=make_nik())
    cancelled = make_booking(make_slot(booking_office, hour=10), service, nik=make_nik())
    cancel_booking(booking=cancelled)
    next_day = make_booking(
        make_slot(booking_office, day=NEXT_DAY, hour=9), service, nik=make_nik()
    )
    Notification.objects.all().delete()
    return morning, afternoon, cancelled, next_day


def post(office, *, day=VISIT_DAY, message=SIAK, ends_at=None, by=None):
    return save_disruption(
        disruption=Disruption(office=office, date=day, message=message, ends_at=ends_at), by=by
    )


def sent():
    return Notification.objects.filter(kind=disruptions.KIND)


def keys():
    return sorted(sent().values_list("key", flat=True))


# --- Sending ------------------------------------------------------------------------------


def test_a_notice_is_sent_once_to_each_of_the_days_bookings_without_consent(
    booking_office, day_bookings, django_capture_on_commit_callbacks
):
    morning, afternoon, _cancelled, _next_day = day_bookings
    with django_capture_on_commit_callbacks(execute=True):
        notice = post(booking_office)

    assert keys() == sorted(
        [
            f"booking:{morning.pk}:disruption:{notice.pk}:1:email",
            f"booking:{morning.pk}:disruption:{notice.pk}:1:sms",
            f"booking:{afternoon.pk}:disruption:{notice.pk}:1:sms",
        ]
    )
    assert not morning.sms_consent and not afternoon.sms_consent
    sms = sent().get(subject_id=afternoon.pk).body_text
    assert sms == f"Info Dukcapil, antrean {afternoon.code} 2 Des: {SIAK}"
    email = sent().get(channel="email")
    assert "Sudin Dukcapil Uji" in email.title and "2 Desember 2026" in email.title
    assert SIAK in email.body_text and "Rabu, 2 Desember 2026 09.00 WIB" in email.body_text
    assert morning.citizen.nik not in email.body_text + email.body_html

    # The beat scan, a plain save of the same notice: nothing more.
    send_disruption_notices()
    with django_capture_on_commit_callbacks(execute=True):
        save_disruption(disruption=notice)
    send_disruption_notices()
    assert sent().count() == 3


def test_the_same_text_posted_twice_is_refused(booking_office, day_bookings):
    post(booking_office)
    with pytest.raises(Exception, match="sudah ada"):
        post(booking_office)
    assert Disruption.objects.count() == 1


def test_an_edit_is_sent_again_only_when_asked_and_marked_as_an_update(
    booking_office, day_bookings, django_capture_on_commit_callbacks
):
    morning, afternoon, *_ = day_bookings
    with django_capture_on_commit_callbacks(execute=True):
        notice = post(booking_office)
    notice.message = "SIAK kembali normal pukul 10.00."
    with django_capture_on_commit_callbacks(execute=True):
        save_disruption(disruption=notice)
    assert sent().count() == 3

    with django_capture_on_commit_callbacks(execute=True):
        save_disruption(disruption=notice, resend=True)
    updates = sent().filter(key__contains=f":disruption:{notice.pk}:2:")
    assert updates.count() == 3
    assert updates.get(subject_id=afternoon.pk).body_text.startswith("Pembaruan info Dukcapil")
    assert updates.get(channel="email").title.startswith("Pembaruan:")
    assert "SIAK kembali normal pukul 10.00." in updates.get(channel="email").body_text


def test_only_visits_before_the_end_time_and_not_over_are_sent(
    booking_office, day_bookings, django_capture_on_commit_callbacks
):
    morning, afternoon, *_ = day_bookings
    with django_capture_on_commit_callbacks(execute=True):
        post(booking_office, ends_at=datetime.time(11))
    assert set(sent().values_list("subject_id", flat=True)) == {morning.pk}

    # Posted on the day at 09.45: the 09.00 visit is over, the 13.00 one still to come.
    quarter_to_ten = datetime.datetime(2026, 12, 2, 2, 45, tzinfo=datetime.UTC)
    with (
        time_machine.travel(quarter_to_ten),
        django_capture_on_commit_callbacks(execute=True),
    ):
        listrik = post(booking_office, message="Listrik padam, layanan manual.")
    assert set(
        sent()
        .filter(key__contains=f":disruption:{listrik.pk}:")
        .values_list("subject_id", flat=True)
    ) == {afternoon.pk}


def test_bookings_made_after_the_notice_saw_it_and_are_not_sent_it(
    booking_office, service, day_bookings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notice = post(booking_office)
    with time_machine.travel(NOW + datetime.timedelta(minutes=5)):
        later = make_booking(make_slot(booking_office, hour=14), service, nik=make_nik())
        send_disruption_notices()
    assert not sent().filter(subject_id=later.pk).exists()
    assert sent().filter(key__contains=f":disruption:{notice.pk}:").count() == 3


def test_the_scan_hands_out_keyset_batches_each_written_once(
    booking_office, service, day_bookings, monkeypatch
):
    monkeypatch.setattr(disruptions, "BATCH_SIZE", 1)
    for hour in (11, 12, 14):
        make_booking(make_slot(booking_office, hour=hour), service, nik=make_nik())
    post(booking_office)  # never committed here: only the beat scan sends it
    assert not sent().exists()
    send_disruption_notices()
    send_disruption_notices()
    assert sent().values("subject_id").distinct().count() == 5
    assert sent().count() == 6


def test_an_ended_notice_sends_nothing_more(booking_office, day_bookings):
    post(booking_office, ends_at=datetime.time(11))
    with time_machine.travel(datetime.datetime(2026, 12, 2, 4, 0, tzinfo=datetime.UTC)):
        send_disruption_notices()  # 11.00 WIB
    assert not sent().exists()


# --- Pages ---------------------------------------------------------------------------------


def pages(office, service):
    return {
        "service": reverse("antrean:service", args=[office.slug]),
        "dates": reverse("antrean:dates", args=[office.slug, service.code]),
        "times": reverse("antrean:times", args=[office.slug, service.code, VISIT_DAY]),
        "other_times": reverse("antrean:times", args=[office.slug, service.code, NEXT_DAY]),
    }


def shows(client, url) -> bool:
    response = client.get(url)
    assert response.status_code == 200
    return "Pemberitahuan dari kantor" in response.text and SIAK in response.text


def test_a_notice_shows_on_the_offices_pages_for_its_day_at_once(
    client, booking_office, service, day_bookings
):
    urls = pages(booking_office, service)
    assert not any(shows(client, url) for url in urls.values())  # and now cached
    post(booking_office, ends_at=datetime.time(11))
    assert shows(client, urls["service"]) and shows(client, urls["dates"])
    assert shows(client, urls["times"])
    assert not shows(client, urls["other_times"])
    text = client.get(urls["times"]).text
    assert "Rabu, 2 Desember 2026, sampai pukul 11.00 WIB" in text
    other = open_office(service_type=service, name="Kantor Lain", slug="lain")
    assert not shows(client, reverse("antrean:dates", args=[other.slug, service.code]))


def test_the_booking_page_shows_the_notice_for_its_day_only(client, booking_office, day_bookings):
    morning, _afternoon, _cancelled, next_day = day_bookings
    post(booking_office)
    for booking, expected in ((morning, True), (next_day, False)):
        found = client.post(
            reverse("antrean:manage"), {"code": booking.code, "nik": booking.citizen.nik}
        )
        assert found.status_code == 302
        assert shows(client, reverse("antrean:booking-detail")) is expected
        assert shows(client, reverse("antrean:reschedule-times", args=[VISIT_DAY])) is True


def test_a_notice_ends_at_its_end_time_and_with_its_day_office_time(
    client, booking_office, service
):
    make_slot(booking_office, day=NEXT_DAY, hour=13)
    urls = pages(booking_office, service)
    post(booking_office, ends_at=datetime.time(11))
    post(booking_office, day=NEXT_DAY, message=SIAK)  # all day

    ten_to_eleven = datetime.datetime(2026, 12, 2, 3, 59, tzinfo=datetime.UTC)  # 10.59 WIB
    with time_machine.travel(ten_to_eleven, tick=False):
        assert shows(client, urls["times"])
    with time_machine.travel(ten_to_eleven + datetime.timedelta(minutes=1), tick=False):
        assert not shows(client, urls["times"])
        assert shows(client, urls["other_times"])
    # Thursday 23.59 WIB, then Friday 00.00 WIB: the all-day notice ends with its day.
    midnight = datetime.datetime(2026, 12, 3, 17, 0, tzinfo=datetime.UTC)
    with time_machine.travel(midnight - datetime.timedelta(minutes=1), tick=False):
        assert shows(client, urls["service"])
    with time_machine.travel(midnight, tick=False):
        assert not shows(client, urls["service"]) and not shows(client, urls["dates"])


# --- Admin ---------------------------------------------------------------------------------


@pytest.fixture
def other_office(service):
    return open_office(service_type=service, name="Kantor B", slug="kantor-b")


@pytest.fixture
def office_admin(client, booking_office, other_office):
    grant_permissions()
    user = make_staff(booking_office, role=StaffRole.ADMIN)
    client.force_login(user)
    client.user = user
    return client


def admin_form(office, **fields):
    return {"office": office.pk, "date": "2026-12-02", "message": SIAK, "ends_at": ""} | fields


def test_an_office_admin_posts_a_notice_and_it_is_sent(
    office_admin, booking_office, day_bookings, django_capture_on_commit_callbacks
):
    url = reverse("admin:antrean_disruption_add")
    assert office_admin.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = office_admin.post(url, admin_form(booking_office), follow=True)
    assert response.status_code == 200
    assert "sedang dikirim ke warga" in response.text
    notice = Disruption.objects.get()
    assert notice.created_by == office_admin.user and notice.office == booking_office
    assert sent().count() == 3

    # The same text again (a double click): refused, nothing more sent.
    with django_capture_on_commit_callbacks(execute=True):
        again = office_admin.post(url, admin_form(booking_office))
    assert again.status_code == 200 and "sudah ada" in again.text
    assert Disruption.objects.count() == 1 and sent().count() == 3

    # An edit is sent again only with the box ticked.
    change = reverse("admin:antrean_disruption_change", args=[notice.pk])
    edited = {"message": "SIAK normal kembali.", "ends_at": ""}
    with django_capture_on_commit_callbacks(execute=True):
        assert office_admin.post(change, edited).status_code == 302
    assert sent().count() == 3
    with django_capture_on_commit_callbacks(execute=True):
        assert office_admin.post(change, edited | {"resend": "on"}).status_code == 302
    assert sent().count() == 6
    notice.refresh_from_db()
    assert notice.revision == 2 and notice.message == "SIAK normal kembali."


def test_a_notice_for_a_day_already_over_is_refused_with_a_reason(office_admin, booking_office):
    response = office_admin.post(
        reverse("admin:antrean_disruption_add"), admin_form(booking_office, date="2026-11-30")
    )
    assert response.status_code == 200
    assert "sudah berakhir" in response.text
    assert not Disruption.objects.exists()


def test_staff_of_another_office_can_neither_see_nor_post_for_this_one(
    client, booking_office, other_office, day_bookings
):
    grant_permissions()
    notice = post(booking_office)
    stranger = make_staff(other_office, role=StaffRole.ADMIN)
    client.force_login(stranger)

    listing = client.get(reverse("admin:antrean_disruption_changelist"))
    assert listing.status_code == 200 and SIAK not in listing.text
    change = reverse("admin:antrean_disruption_change", args=[notice.pk])
    assert client.get(change).status_code == 302
    response = client.post(
        reverse("admin:antrean_disruption_add"),
        admin_form(booking_office, message="Listrik padam."),
    )
    assert response.status_code == 200
    assert re.search(r"(?i)masukkan pilihan yang valid|select a valid choice", response.text)
    assert not Disruption.objects.filter(message="Listrik padam.").exists()


def test_counter_staff_see_the_notices_but_cannot_post(client, booking_office, day_bookings):
    grant_permissions()
    post(booking_office)
    client.force_login(make_staff(booking_office, role=StaffRole.COUNTER))
    listing = client.get(reverse("admin:antrean_disruption_changelist"))
    assert listing.status_code == 200 and SIAK in listing.text
    assert client.get(reverse("admin:antrean_disruption_add")).status_code == 403
