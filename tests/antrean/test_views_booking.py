"""The citizen's way through /antrean/: office, service, date, time, details, confirmation."""

import datetime
import re
import uuid

import pytest
import time_machine
from django.urls import reverse

from antrean.models import Booking, Closure, Slot
from ktpportal.models import Citizen
from tests.antrean.conftest import VISIT_DAY, make_booking, make_slot, open_office
from tests.antrean.factories import slot_held
from tests.factories import VALID_NIK, VALID_NIK_FEMALE, make_service_type

pytestmark = pytest.mark.django_db


def book_url(slot, service, day=VISIT_DAY):
    return reverse("antrean:book", args=[slot.office.slug, service.code, day, slot.pk])


def form_data(client, url, **overrides):
    """What a citizen submits: the hidden token as the GET page made it, plus the fields."""
    page = client.get(url)
    assert page.status_code == 200
    token = re.search(r'name="submission_token" value="([0-9a-f-]{36})"', page.text).group(1)
    data = {
        "nik": VALID_NIK,
        "full_name": "Siti Aminah",
        "phone": "0812 3456 7890",
        "email": "",
        "submission_token": token,
    }
    data.update(overrides)
    return data


# --- Steps 1-4 ----------------------------------------------------------------------------


def test_index_groups_active_offices_by_province_and_searches(client, booking_office, service):
    open_office(regency_code="9171", service_type=service, name="Disdukcapil Kota Jayapura")
    open_office(service_type=service, name="Kantor Tutup", is_active=False)
    open_office(name="Kantor Tanpa Layanan")  # takes no bookings: not listed
    response = client.get(reverse("antrean:index"))
    assert response.status_code == 200
    assert "Daerah Khusus Ibukota Jakarta" in response.text and "Papua" in response.text
    assert "Sudin Dukcapil Uji" in response.text and "Disdukcapil Kota Jayapura" in response.text
    assert "Kantor Tutup" not in response.text
    assert "Kantor Tanpa Layanan" not in response.text

    found = client.get(reverse("antrean:index"), {"q": "jayapura"})
    assert "Disdukcapil Kota Jayapura" in found.text
    assert "Sudin Dukcapil Uji" not in found.text
    # The kabupaten/kota name finds an office whose own name does not contain it.
    assert (
        "Sudin Dukcapil Uji" in client.get(reverse("antrean:index"), {"q": "Jakarta Selatan"}).text
    )


def test_index_carries_office_and_service_from_dokumen_straight_to_the_dates(
    client, booking_office, service
):
    response = client.get(reverse("antrean:index"), {"kantor": "uji", "layanan": "ktp-baru"})
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"] == reverse("antrean:dates", args=["uji", "ktp-baru"])


def test_index_with_only_a_service_lists_offices_offering_it(client, booking_office, service):
    other = make_service_type(code="ktp-hilang", name="KTP-el hilang")
    open_office(service_type=other, name="Kantor Lain")
    response = client.get(reverse("antrean:index"), {"layanan": "ktp-hilang"})
    assert "Kantor Lain" in response.text
    assert "Sudin Dukcapil Uji" not in response.text
    assert "?layanan=ktp-hilang" in response.text


def test_service_page_lists_offered_services_with_requirements_link(
    client, booking_office, service
):
    response = client.get(reverse("antrean:service", args=["uji"]))
    assert response.status_code == 200
    assert "KTP-el baru" in response.text
    assert "Umur 17 tahun atau sudah menikah" in response.text
    assert 'href="/dokumen/ktp-baru/?kantor=uji"' in response.text
    assert reverse("antrean:dates", args=["uji", "ktp-baru"]) in response.text


def test_service_not_offered_here_says_so(client, booking_office):
    make_service_type(code="wna", name="KTP-el WNA")
    response = client.get(reverse("antrean:service", args=["uji"]), {"layanan": "wna"})
    assert response.status_code == 200
    assert "tidak tersedia untuk antrean daring di kantor ini" in response.text
    assert client.get(reverse("antrean:dates", args=["uji", "wna"])).status_code == 404


def test_unknown_or_inactive_office_is_404(client, service, frozen_now):
    open_office(service_type=service, slug="tutup", is_active=False)
    assert client.get(reverse("antrean:service", args=["tidak-ada"])).status_code == 404
    assert client.get(reverse("antrean:service", args=["tutup"])).status_code == 404
    assert client.get(reverse("antrean:dates", args=["tutup", service.code])).status_code == 404


def test_date_page_shows_free_seats_and_why_other_days_are_closed(client, booking_office, service):
    make_slot(booking_office, hour=9, capacity=4, booked=1)
    make_slot(booking_office, hour=10, capacity=4)
    make_slot(booking_office, day=VISIT_DAY + datetime.timedelta(days=1), capacity=2, booked=2)
    Closure.objects.create(
        office=booking_office, date=VISIT_DAY + datetime.timedelta(days=2), reason="Rapat kerja"
    )
    response = client.get(reverse("antrean:dates", args=["uji", "ktp-baru"]))
    assert response.status_code == 200
    assert "Rabu, 2 Desember 2026" in response.text
    assert "7 kursi kosong" in response.text
    assert reverse("antrean:times", args=["uji", "ktp-baru", VISIT_DAY]) in response.text
    assert "Penuh" in response.text
    assert "Kantor tutup: Rapat kerja" in response.text
    assert "Belum dibuka" in response.text
    # The choices so far, each changeable.
    assert "Sudin Dukcapil Uji" in response.text and reverse("antrean:index") in response.text
    assert reverse("antrean:service", args=["uji"]) in response.text


def test_date_page_names_national_holidays_and_cuti_bersama(client, booking_office):
    with time_machine.travel(datetime.datetime(2026, 12, 20, 1, 0, tzinfo=datetime.UTC)):
        response = client.get(reverse("antrean:dates", args=["uji", "ktp-baru"]))
    assert response.status_code == 200
    assert "Cuti bersama: Cuti Bersama Hari Raya Natal" in response.text
    assert "Libur nasional: Hari Raya Natal" in response.text


def test_time_page_shows_times_in_the_offices_own_zone(client, service, frozen_now):
    papua = open_office(regency_code="9171", service_type=service, slug="jayapura")
    make_slot(papua, hour=9)
    full = make_slot(papua, hour=10, capacity=2, booked=2)
    response = client.get(reverse("antrean:times", args=["jayapura", service.code, VISIT_DAY]))
    assert response.status_code == 200
    assert "09.00 WIT" in response.text
    assert "10.00 WIT" in response.text and "Penuh" in response.text
    assert "WIB" not in response.text.replace("WIB/WITA/WIT", "")
    assert reverse("antrean:book", args=["jayapura", service.code, VISIT_DAY, full.pk]) not in (
        response.text
    )


def test_time_page_for_a_day_without_slots_says_so(client, booking_office, service):
    response = client.get(
        reverse("antrean:times", args=["uji", "ktp-baru", VISIT_DAY + datetime.timedelta(5)])
    )
    assert response.status_code == 200
    assert "Tidak ada jam yang bisa dipilih pada tanggal ini" in response.text


def test_impossible_date_in_the_address_is_404(client, booking_office):
    assert client.get("/antrean/uji/ktp-baru/2026-02-30/").status_code == 404


def test_date_and_time_pages_run_a_fixed_number_of_queries(
    client, booking_office, service, django_assert_max_num_queries
):
    dates_url = reverse("antrean:dates", args=["uji", "ktp-baru"])
    times_url = reverse("antrean:times", args=["uji", "ktp-baru", VISIT_DAY])
    make_slot(booking_office, hour=9)
    with django_assert_max_num_queries(10) as few:
        client.get(dates_url)
    with django_assert_max_num_queries(10) as few_times:
        client.get(times_url)
    for day in range(14):
        for hour in range(8, 15):
            for minute in (0, 30):
                if (day, hour, minute) != (1, 9, 0):
                    make_slot(
                        booking_office,
                        day=VISIT_DAY + datetime.timedelta(days=day - 1),
                        hour=hour,
                        minute=minute,
                    )
    with django_assert_max_num_queries(len(few)):
        response = client.get(dates_url)
    assert response.text.count("kursi kosong") >= 13
    with django_assert_max_num_queries(len(few_times)):
        response = client.get(times_url)
    assert response.text.count("kursi kosong") == 14


# --- Step 5: the form -------------------------------------------------------------------


def test_booking_form_has_an_unticked_consent_box_and_a_token(client, slot, service):
    response = client.get(book_url(slot, service))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    consent = re.search(r'<input[^>]*name="sms_consent"[^>]*>', response.text).group(0)
    assert "checked" not in consent
    assert re.search(r'type="hidden" name="submission_token" value="[0-9a-f-]{36}"', response.text)
    assert 'inputmode="numeric"' in response.text
    assert "09.00 WIB" in response.text  # the choice so far


def test_booking_takes_a_seat_and_shows_the_confirmation(client, slot, service):
    data = form_data(client, book_url(slot, service), sms_consent="on")
    response = client.post(book_url(slot, service), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("antrean:confirmation")
    booking = Booking.objects.get()
    assert booking.status == Booking.Status.ACTIVE and booking.sms_consent
    assert booking.citizen.phone == "+6281234567890"
    slot.refresh_from_db()
    assert slot.booked == 1

    page = client.get(reverse("antrean:confirmation"))
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    assert booking.code in page.text
    assert 'src="data:image/svg+xml' in page.text
    assert "Rabu, 2 Desember 2026 09.00 WIB" in page.text
    assert booking.office.address in page.text
    assert (
        VALID_NIK not in page.text
        and "3174\u2022\u2022\u2022\u2022\u2022\u2022\u2022\u20220001" in page.text
    )
    assert reverse("antrean:booking-ics") in page.text
    assert "Dokumen yang dibawa" in page.text


def test_the_same_form_sent_twice_books_once(client, slot, service):
    data = form_data(client, book_url(slot, service))
    first = client.post(book_url(slot, service), data)
    second = client.post(book_url(slot, service), data)
    assert first.status_code == second.status_code == 302
    assert Booking.objects.count() == 1
    slot.refresh_from_db()
    assert slot.booked == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"nik": "1234"}, "NIK harus 16 angka"),
        ({"nik": "3174013208900001"}, "tanggal lahir"),
        ({"full_name": ""}, "Nama lengkap wajib diisi."),
        ({"full_name": "   "}, "Nama lengkap wajib diisi."),
        ({"full_name": "A" * 101}, "100"),
        ({"full_name": "Siti \U0001f600"}, "hanya boleh berisi huruf"),
        ({"full_name": "<script>alert(1)</script>"}, "hanya boleh berisi huruf"),
        ({"phone": "", "email": ""}, "Isi nomor HP atau email"),
        ({"phone": "021-7209288"}, "nomor seluler Indonesia"),
        ({"email": "bukan-email", "phone": ""}, "Alamat email tidak valid"),
        ({"phone": "", "email": "a@b.id", "sms_consent": "on"}, "isi juga nomor HP"),
        ({"submission_token": "bukan-uuid"}, "Muat ulang halaman"),
    ],
)
def test_bad_input_is_a_400_with_a_message_and_nothing_saved(
    client, slot, service, overrides, message
):
    data = form_data(client, book_url(slot, service), **overrides)
    response = client.post(book_url(slot, service), data)
    assert response.status_code == 400
    assert message in response.text
    assert 'role="alert"' in response.text
    assert not Booking.objects.exists() and not Citizen.objects.exists()
    slot.refresh_from_db()
    assert slot.booked == 0
    # The page shown again can be corrected and sent: its token is a good one.
    token = re.search(r'name="submission_token" value="([^"]*)"', response.text).group(1)
    assert uuid.UUID(token)


def test_errors_are_linked_from_the_summary_and_described_on_the_field(client, slot, service):
    data = form_data(client, book_url(slot, service), nik="12")
    response = client.post(book_url(slot, service), data)
    assert 'href="#id_nik"' in response.text
    field = re.search(r'<input[^>]*name="nik"[^>]*>', response.text).group(0)
    assert 'aria-invalid="true"' in field
    assert "id_nik_error" in field
    assert 'id="id_nik_error"' in response.text


def test_markup_in_a_name_is_escaped_on_the_page(client, slot, service):
    data = form_data(client, book_url(slot, service), full_name="<b>Siti</b>")
    response = client.post(book_url(slot, service), data)
    assert response.status_code == 400
    assert "<b>Siti</b>" not in response.text
    assert "&lt;b&gt;Siti&lt;/b&gt;" in response.text


def test_full_slot_is_409_with_its_reason(client, booking_office, service):
    full = make_slot(booking_office, capacity=1)
    data = form_data(client, book_url(full, service))
    make_booking(full, service, nik=VALID_NIK_FEMALE)  # someone else takes the last seat
    response = client.post(book_url(full, service), data)
    assert response.status_code == 409
    assert "sudah penuh" in response.text
    assert Booking.objects.count() == 1
    # Shown as full from the start, too.
    response = client.get(book_url(full, service))
    assert response.status_code == 409 and "Penuh" in response.text
    assert "submission_token" not in response.text


def test_a_second_active_booking_for_the_same_nik_and_service_is_refused(
    client, booking_office, service
):
    make_booking(make_slot(booking_office, hour=11), service)
    slot = make_slot(booking_office, hour=9)
    response = client.post(book_url(slot, service), form_data(client, book_url(slot, service)))
    assert response.status_code == 409
    assert "Sudah ada booking aktif" in response.text
    assert reverse("antrean:manage") in response.text
    assert "Ubah jadwal atau batalkan antrean yang sudah ada" in response.text  # in the summary
    assert Booking.objects.count() == 1
    slot.refresh_from_db()
    assert slot.booked == 0


def test_a_slot_in_the_past_is_refused(client, booking_office, service, frozen_now):
    past = make_slot(booking_office, day=VISIT_DAY - datetime.timedelta(days=1), hour=7)
    url = book_url(past, service, day=VISIT_DAY - datetime.timedelta(days=1))
    assert client.get(url).status_code == 409
    data = {
        "nik": VALID_NIK,
        "full_name": "Siti Aminah",
        "phone": "081234567890",
        "submission_token": str(uuid.uuid4()),
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert "sudah lewat" in response.text
    assert not Booking.objects.exists()


def test_a_slot_of_another_office_or_day_in_the_address_is_refused(client, booking_office, service):
    other = open_office(service_type=service)
    foreign = make_slot(other)
    url = reverse("antrean:book", args=["uji", service.code, VISIT_DAY, foreign.pk])
    data = {
        "nik": VALID_NIK,
        "full_name": "Siti Aminah",
        "phone": "081234567890",
        "submission_token": str(uuid.uuid4()),
    }
    for response in (client.get(url), client.post(url, data)):
        assert response.status_code == 404
        assert "Jam kunjungan ini tidak ada di kantor" in response.text
    own = make_slot(booking_office)
    wrong_day = reverse(
        "antrean:book", args=["uji", service.code, VISIT_DAY + datetime.timedelta(1), own.pk]
    )
    assert client.post(wrong_day, data).status_code == 404
    assert not Booking.objects.exists()
    assert Slot.objects.filter(booked__gt=0).count() == 0


def test_a_slot_of_another_service_is_refused(client, booking_office, service):
    other_service = make_service_type()
    own_seats = make_slot(booking_office, service_type=other_service)
    response = client.get(book_url(own_seats, service))
    assert response.status_code == 404


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_seat_locked_too_long_gives_the_busy_page(client, slot, service):
    """Someone else holds the slot's row past the lock timeout: "sedang ramai", 429 with
    Retry-After, and nothing saved (not even the citizen)."""
    url = book_url(slot, service)
    data = form_data(client, url)
    with slot_held(slot):
        response = client.post(url, data)
    assert response.status_code == 429
    assert response["Retry-After"].isdigit()
    assert "Sedang ramai" in response.text
    assert not Booking.objects.exists() and not Citizen.objects.exists()
    # Once the crowd has gone, the same form goes through.
    assert client.post(url, data).status_code == 302


# --- Step 6: confirmation, bound to the session -------------------------------------------


def test_confirmation_is_only_for_the_browser_that_booked(client, slot, service):
    client.post(book_url(slot, service), form_data(client, book_url(slot, service)))
    booking = Booking.objects.get()
    assert booking.code in client.get(reverse("antrean:confirmation")).text

    from django.test import Client

    stranger = Client()
    for name in ("antrean:confirmation", "antrean:booking-ics", "antrean:booking-detail"):
        response = stranger.get(reverse(name))
        assert response.status_code == 404
        assert booking.code not in response.content.decode()


def test_ics_download_for_the_session_booking(client, slot, service):
    client.post(book_url(slot, service), form_data(client, book_url(slot, service)))
    booking = Booking.objects.get()
    response = client.get(reverse("antrean:booking-ics"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert f'filename="kunjungan-dukcapil-{booking.code}.ics"' in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    assert "DTSTART;TZID=Asia/Jakarta:20261202T090000" in response.content.decode()
