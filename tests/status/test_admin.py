"""Staff admin: scoping across offices, finding, moving one and many."""

import datetime

import pytest
import time_machine
from django.contrib.messages import get_messages

from ktpportal.models import StaffRole
from status.models import Application
from status.stages import Stage
from tests.factories import VALID_NIK, VALID_NIK_FEMALE, make_staff
from tests.status.factories import make_application

pytestmark = pytest.mark.django_db
LIST = "/admin/status/application/"


def change_url(application):
    return f"{LIST}{application.pk}/change/"


@pytest.fixture
def two(office_a, office_b, service):
    a = make_application(office=office_a, service_type=service, stage=Stage.DICETAK)
    b = make_application(office=office_b, service_type=service, stage=Stage.DICETAK)
    return a, b


def move_form(client, application, **data):
    """POST the change form the way a browser would, management form included."""
    count = application.changes.count()
    return client.post(
        change_url(application),
        {
            "changes-TOTAL_FORMS": count,
            "changes-INITIAL_FORMS": count,
            "changes-MIN_NUM_FORMS": 0,
            "changes-MAX_NUM_FORMS": 1000,
            "new_public_note": "",
            "internal_note": "",
            **data,
        },
    )


def test_staff_list_only_their_office_with_masked_niks(client, staff_a, two):
    a, b = two
    client.force_login(staff_a)
    response = client.get(LIST)
    assert response.status_code == 200
    assert a.receipt_number in response.text
    assert b.receipt_number not in response.text
    assert a.citizen.masked_nik in response.text
    assert a.citizen.nik not in response.text
    assert "Kantor B" not in response.text  # not even in the office filter


def test_staff_cannot_open_or_change_another_office_by_url(client, staff_a, two):
    _, b = two
    client.force_login(staff_a)
    assert client.get(change_url(b)).status_code == 302
    assert client.get(f"{LIST}{b.pk}/history/").status_code == 302
    posted = move_form(client, b, new_stage=Stage.SIAP_DIAMBIL)
    assert posted.status_code == 302
    b.refresh_from_db()
    assert b.stage == Stage.DICETAK


def test_bulk_action_ignores_another_offices_ids(client, staff_a, two):
    a, b = two
    client.force_login(staff_a)
    response = client.post(
        LIST,
        {"action": "mark_siap_diambil", "_selected_action": [a.pk, b.pk]},
        follow=True,
    )
    assert response.status_code == 200
    a.refresh_from_db(), b.refresh_from_db()
    assert a.stage == Stage.SIAP_DIAMBIL
    assert b.stage == Stage.DICETAK
    assert not b.changes.filter(to_stage=Stage.SIAP_DIAMBIL).exists()


def test_bulk_action_reports_moved_and_skipped(client, staff_a, office_a, service):
    printed = make_application(office=office_a, service_type=service, stage=Stage.DICETAK)
    new = make_application(office=office_a, service_type=service)
    client.force_login(staff_a)
    response = client.post(
        LIST, {"action": "mark_siap_diambil", "_selected_action": [printed.pk, new.pk]}
    )
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("1 permohonan dipindahkan ke Siap diambil" in t for t in texts)
    assert any("1 dilewati" in t and new.receipt_number in t for t in texts)


def test_search_finds_an_exact_receipt_only(client, staff_a, two):
    a, _ = two
    client.force_login(staff_a)

    def found(term):
        return {row.pk for row in client.get(LIST, {"q": term}).context["cl"].result_list}

    assert found(a.receipt_number.lower()) == {a.pk}
    assert found(a.receipt_number[:4]) == set()
    assert found(a.citizen.full_name) == set()
    # A NIK typed in the GET search box is not searched (it would sit in the URL).
    response = client.get(LIST, {"q": a.citizen.nik}, follow=True)
    assert not response.context["cl"].result_list
    assert "Cari NIK" in response.text


def test_nik_search_is_a_post_and_stays_in_the_office(client, staff_a, two, office_a, service):
    a, b = two
    client.force_login(staff_a)
    nik_search = f"{LIST}cari-nik/"
    assert client.get(nik_search, {"nik": a.citizen.nik}).status_code == 405

    one = client.post(nik_search, {"nik": a.citizen.nik})
    assert one.status_code == 302 and one["Location"] == change_url(a)
    assert a.citizen.nik not in one["Location"]

    second = make_application(office=office_a, service_type=service, citizen=a.citizen)
    several = client.post(nik_search, {"nik": a.citizen.nik}, follow=True)
    assert {row.pk for row in several.context["cl"].result_list} == {a.pk, second.pk}
    assert a.citizen.nik not in several.redirect_chain[-1][0]

    # Office B's citizen is "not found" for staff of office A.
    other = client.post(nik_search, {"nik": b.citizen.nik}, follow=True)
    assert "Tidak ada permohonan untuk NIK ini" in other.text
    assert b.receipt_number not in other.text
    partial = client.post(nik_search, {"nik": a.citizen.nik[:10]}, follow=True)
    assert "NIK harus 16 angka" in partial.text


def test_change_form_moves_the_stage_with_notes(client, staff_a, office_a, service):
    application = make_application(office=office_a, service_type=service, stage=Stage.VERIFIKASI)
    client.force_login(staff_a)
    page = client.get(change_url(application))
    choices = dict(page.context["adminform"].form.fields["new_stage"].choices)
    assert Stage.PEREKAMAN in choices and Stage.DISERAHKAN not in choices

    response = move_form(
        client,
        application,
        new_stage=Stage.BERKAS_KURANG,
        new_public_note="Bawa fotokopi akta kelahiran.",
        internal_note="Akta asli tidak terbaca.",
    )
    assert response.status_code == 302
    change = application.changes.latest("pk")
    assert (change.to_stage, change.changed_by) == (Stage.BERKAS_KURANG, staff_a)
    assert change.internal_note == "Akta asli tidak terbaca."
    application.refresh_from_db()
    assert application.public_note == "Bawa fotokopi akta kelahiran."


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ({"new_stage": Stage.DISERAHKAN}, "tidak bisa dipilih dari tahap sekarang"),
        ({"new_stage": Stage.BERKAS_KURANG}, "Tulis catatan untuk pemohon"),
        ({"new_stage": "", "internal_note": "x"}, "pilih tahap baru"),
        ({"new_stage": Stage.PEREKAMAN, "new_public_note": "x" * 501}, "paling banyak 500"),
    ],
)
def test_change_form_refuses_with_a_message(client, staff_a, office_a, service, data, says):
    application = make_application(office=office_a, service_type=service, stage=Stage.VERIFIKASI)
    client.force_login(staff_a)
    response = move_form(client, application, **data)
    assert response.status_code == 200
    assert says in response.text
    application.refresh_from_db()
    assert application.stage == Stage.VERIFIKASI


def test_the_timeline_inline_is_read_only(client, staff_a, office_a, service):
    application = make_application(office=office_a, service_type=service, stage=Stage.VERIFIKASI)
    client.force_login(staff_a)
    page = client.get(change_url(application))
    inline = page.context["inline_admin_formsets"][0]
    assert not inline.has_add_permission and not inline.has_change_permission
    assert not inline.has_delete_permission
    assert client.post(f"{LIST}{application.pk}/delete/").status_code == 403


def test_counter_creates_an_application_for_a_new_citizen(client, staff_a, office_a, service):
    client.force_login(staff_a)
    response = client.post(
        f"{LIST}add/",
        {
            "booking_code": "",
            "nik": "3174 0112 0890 0077",
            "full_name": "Rina Marlina",
            "phone": "081298765432",
            "email": "",
            "office": office_a.pk,
            "service_type": service.pk,
            "public_note": "",
        },
    )
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.citizen.nik == "3174011208900077"
    assert application.changes.get().changed_by == staff_a


@time_machine.travel(datetime.datetime(2026, 12, 1, 1, 0, tzinfo=datetime.UTC))
def test_counter_prefills_from_a_booking_code(client, service):
    """The day before the visit (a fixed clock: the booking needs a day still ahead)."""
    from tests.antrean.factories import book, make_booking_office, slot_at

    office = make_booking_office(services=[service])
    staff = make_staff(office, role=StaffRole.COUNTER)
    from status.demo import grant_roles

    grant_roles()
    booking = book(slot_at(office, datetime.date(2026, 12, 2), 9), service, full_name="Rina")
    client.force_login(staff)

    page = client.get(f"{LIST}add/", {"kode_booking": booking.code.lower()})
    initial = page.context["adminform"].form.initial
    assert initial["nik"] == booking.citizen.nik
    assert initial["office"] == office.pk and initial["service_type"] == service.pk

    response = client.post(
        f"{LIST}add/",
        {
            "booking_code": booking.code,
            "nik": booking.citizen.nik,
            "full_name": "Rina",
            "phone": "081234567890",
            "email": "",
            "office": office.pk,
            "service_type": service.pk,
            "public_note": "",
        },
    )
    assert response.status_code == 302
    assert Application.objects.get().booking == booking


@time_machine.travel(
    datetime.datetime(2026, 12, 1, 1, 0, tzinfo=datetime.UTC)
)  # a day before the visit
def test_another_offices_booking_code_fills_nothing(client, staff_a, service):
    from tests.antrean.factories import book, make_booking_office, slot_at

    office = make_booking_office(services=[service])
    booking = book(slot_at(office, datetime.date(2026, 12, 2), 9), service)
    client.force_login(staff_a)
    page = client.get(f"{LIST}add/", {"kode_booking": booking.code})
    assert booking.citizen.nik not in page.text
    assert "tidak ditemukan" in page.text


def test_the_add_form_asks_for_the_booking_code_once(client, staff_a, office_a):
    client.force_login(staff_a)
    response = client.get(f"{LIST}add/")
    page = response.content.decode()
    # The "Dari booking antrean" box is the one place to type it; the form only carries it.
    assert page.count('name="kode_booking"') == 1
    assert '<input type="hidden" name="booking_code"' in page
    assert page.count(">Kode booking<") == 1
    # Their one office is already chosen.
    assert response.context["adminform"].form.initial["office"] == office_a.pk


@time_machine.travel(datetime.datetime(2026, 12, 1, 1, 0, tzinfo=datetime.UTC), tick=False)
def test_a_booking_for_another_nik_is_refused_in_the_forms_own_errors(client, service):
    from tests.antrean.factories import book, make_booking_office, slot_at

    office = make_booking_office(services=[service])
    staff = make_staff(office, role=StaffRole.COUNTER)
    from status.demo import grant_roles

    grant_roles()
    booking = book(slot_at(office, datetime.date(2026, 12, 2), 9), service, nik=VALID_NIK)
    client.force_login(staff)
    response = client.post(
        f"{LIST}add/",
        {
            "booking_code": booking.code,
            "nik": VALID_NIK_FEMALE,
            "full_name": "Rina",
            "phone": "081234567890",
            "email": "",
            "office": office.pk,
            "service_type": service.pk,
            "public_note": "",
        },
    )
    assert response.status_code == 200
    assert "Booking ini atas NIK lain." in response.content.decode()
    assert not Application.objects.exists()


def test_the_indonesian_admin_has_no_english_from_django(client, staff_a, two):
    client.force_login(staff_a)
    add = client.get(f"{LIST}add/").content.decode()
    assert "Select an option" not in add
    assert "- Pilih salah satu -" in add
    listed = client.get(LIST).content.decode()
    assert "Select an option" not in listed
