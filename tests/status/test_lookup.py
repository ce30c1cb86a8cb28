"""Citizens' lookups: what unlocks a timeline, what never does, and bad input."""

import datetime
import re

import pytest
import time_machine

from ktpportal.notifications.models import Channel, Notification
from status.stages import Stage
from tests.dokumen.factories import make_requirement
from tests.factories import make_citizen
from tests.status.factories import make_application

pytestmark = pytest.mark.django_db
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
LINK = re.compile(r"https?://testserver(/status/lihat/[^/\s]+/)")


def _page(response) -> str:
    """The page without its per-response CSRF token, for comparing two answers."""
    return CSRF.sub("", response.text)


@pytest.fixture
def application(office_a, service):
    citizen = make_citizen(email="siti@example.id")
    return make_application(office=office_a, service_type=service, citizen=citizen)


def lookup(client, receipt, nik, **extra):
    return client.post("/status/", {"receipt_number": receipt, "nik": nik}, **extra)


def test_the_form_page_is_not_cached(client):
    response = client.get("/status/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert 'action="/status/kirim-tautan/"' in response.text


def test_receipt_and_nik_open_the_timeline(client, application):
    nik = application.citizen.nik
    response = lookup(client, application.receipt_number.lower().replace("-", " "), nik)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "Diajukan" in response.text
    assert application.citizen.masked_nik in response.text
    assert nik not in response.text
    assert "WIB" in response.text  # dates carry the office's zone


def test_missing_receipt_and_another_citizens_receipt_look_the_same(client, application):
    other_nik = make_citizen().nik
    other_receipt = make_application(
        office=application.office, service_type=application.service_type
    ).receipt_number
    missing = lookup(client, "ZZZZ-ZZZZ-ZZZZ", other_nik)
    someone_elses = lookup(client, application.receipt_number, other_nik)
    # And the owner's NIK with a receipt that is not theirs.
    crossed = lookup(client, other_receipt, application.citizen.nik)

    assert missing.status_code == someone_elses.status_code == crossed.status_code == 404
    assert _page(missing) == _page(someone_elses) == _page(crossed)
    assert "tidak cocok" in missing.text
    for response in (missing, someone_elses, crossed):
        assert "Diajukan" not in response.text
        assert other_nik not in response.text and application.citizen.nik not in response.text


@pytest.mark.parametrize(
    ("receipt", "nik", "says"),
    [
        ("12345", None, "Format nomor tanda terima salah"),
        ("<script>alert(1)</script>", None, "Format nomor tanda terima salah"),
        ("X" * 5000, None, "paling banyak 40"),
        (None, "31740112089", "NIK harus 16 angka"),
        (None, "<b>3174011208900001</b>", "NIK hanya boleh berisi angka"),
        (None, "9" * 5000, "NIK harus 16 angka"),
        ("", "", "wajib diisi"),
    ],
)
def test_bad_input_gets_a_clear_message_and_a_400(client, application, receipt, nik, says):
    response = lookup(
        client,
        application.receipt_number if receipt is None else receipt,
        application.citizen.nik if nik is None else nik,
    )
    assert response.status_code == 400
    assert says in response.text
    assert "<script>alert(1)</script>" not in response.text
    assert "<b>3174" not in response.text
    assert 'aria-invalid="true"' in response.text
    assert application.citizen.nik not in response.text


def test_other_methods_are_refused(client):
    assert client.put("/status/").status_code == 405
    assert client.get("/status/kirim-tautan/").status_code == 405


def test_ready_for_pickup_says_where_when_and_what_to_bring(client, office_a, service):
    from antrean.models import OpeningHours

    OpeningHours.objects.create(
        office=office_a, weekday=0, opens_at=datetime.time(8), closes_at=datetime.time(15)
    )
    make_requirement(service, name="Kartu Keluarga (KK)")
    application = make_application(office=office_a, service_type=service, stage=Stage.SIAP_DIAMBIL)
    response = lookup(client, application.receipt_number, application.citizen.nik)
    assert "Siap diambil" in response.text
    assert office_a.address in response.text
    assert "Senin: 08.00" in response.text
    assert "Kartu Keluarga (KK)" in response.text


def test_missing_documents_page_names_the_document(client, office_a, service):
    application = make_application(
        office=office_a,
        service_type=service,
        stage=Stage.BERKAS_KURANG,
        note="Fotokopi buku nikah belum ada.",
    )
    response = lookup(client, application.receipt_number, application.citizen.nik)
    assert "Dokumen yang perlu dilengkapi" in response.text
    assert "Fotokopi buku nikah belum ada." in response.text


def test_waiting_for_blank_cards_explains_suket_and_ikd(client, office_b, service):
    application = make_application(
        office=office_b, service_type=service, stage=Stage.MENUNGGU_BLANGKO
    )
    response = lookup(client, application.receipt_number, application.citizen.nik)
    assert "Surat keterangan (suket)" in response.text
    assert "6 bulan" in response.text
    assert "IKD" in response.text
    assert "WITA" in response.text


def test_internal_notes_and_staff_never_reach_the_citizen(client, office_a, service):
    from status.services import change_stage
    from tests.factories import make_staff

    staff = make_staff(office_a, username="petugas-rahasia")
    application = make_application(office=office_a, service_type=service)
    change_stage(
        application=application,
        to_stage=Stage.VERIFIKASI,
        by=staff,
        public_note="Berkas diterima.",
        internal_note="Pemohon marah-marah.",
    )
    response = lookup(client, application.receipt_number, application.citizen.nik)
    assert "Berkas diterima." in response.text
    assert "marah" not in response.text and "petugas-rahasia" not in response.text


def send_link(client, nik):
    return client.post("/status/kirim-tautan/", {"nik": nik})


def test_nik_only_gives_the_same_page_either_way(client, application):
    exists = send_link(client, application.citizen.nik)
    missing = send_link(client, make_citizen().nik)
    assert exists.status_code == missing.status_code == 200
    assert _page(exists) == _page(missing)
    assert "kami telah mengirim tautan" in exists.text
    assert "no-store" in exists["Cache-Control"]
    # Nothing about the application, the NIK alone unlocks nothing.
    assert application.receipt_number not in exists.text
    assert "Diajukan" not in exists.text
    sent = Notification.objects.filter(kind="status_link")
    assert {n.channel for n in sent} == {Channel.EMAIL, Channel.SMS}
    assert all(n.subject_id == application.pk for n in sent)


def test_nik_only_for_an_unknown_nik_sends_nothing(client, application):
    send_link(client, make_citizen().nik)
    assert not Notification.objects.filter(kind="status_link").exists()


def _link_from_outbox():
    sms = Notification.objects.get(kind="status_link", channel=Channel.SMS)
    return LINK.search(sms.body_text).group(1), sms


def test_the_signed_link_opens_the_timeline_for_thirty_minutes(client, application):
    start = datetime.datetime(2026, 12, 1, 2, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        send_link(client, application.citizen.nik)
        path, sms = _link_from_outbox()
        assert application.citizen.nik not in sms.body_text and application.citizen.nik not in path
        assert len(sms.body_text) <= 200
        opened = client.get(path)
        assert opened.status_code == 200
        assert application.receipt_number in opened.text
        assert "no-store" in opened["Cache-Control"]
    with time_machine.travel(start + datetime.timedelta(minutes=29), tick=False):
        assert client.get(path).status_code == 200
    with time_machine.travel(start + datetime.timedelta(minutes=31), tick=False):
        expired = client.get(path)
    assert expired.status_code == 410
    assert "kedaluwarsa" in expired.text
    assert application.receipt_number not in expired.text


def test_a_tampered_link_is_refused(client, application, office_a, service):
    other = make_application(office=office_a, service_type=service)
    send_link(client, application.citizen.nik)
    path, _ = _link_from_outbox()
    token = path.split("/")[3]
    pk, rest = token.split(":", 1)
    for bad in (f"{other.pk}:{rest}", token[:-2] + "xx", "abc", token + "a"):
        response = client.get(f"/status/lihat/{bad}/")
        assert response.status_code == 400
        assert "Tautan tidak berlaku" in response.text
        assert other.receipt_number not in response.text
