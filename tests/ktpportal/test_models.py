import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from ktpportal.models import Citizen, Regency
from ktpportal.timeutil import format_office_time
from tests.factories import VALID_NIK, make_citizen, make_office

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("regency", "tz_name", "label"),
    [
        ("3174", "Asia/Jakarta", "WIB"),
        ("6171", "Asia/Pontianak", "WIB"),
        ("7371", "Asia/Makassar", "WITA"),
        ("9171", "Asia/Jayapura", "WIT"),
    ],
)
def test_office_takes_its_time_zone_from_its_region(regency, tz_name, label):
    office = make_office(regency_code=regency)
    assert (office.tz_name, office.tz_label) == (tz_name, label)


def test_office_time_zone_follows_a_region_change():
    office = make_office(regency_code="3174")
    office.regency = Regency.objects.get(code="9171")
    office.save(update_fields=["regency"])
    office.refresh_from_db()
    assert office.tz_label == "WIT"


def test_times_are_shown_in_the_office_zone_with_its_label():
    moment = datetime.datetime(2026, 12, 1, 1, 0, tzinfo=datetime.UTC)
    assert format_office_time(moment, "Asia/Jakarta") == "Selasa, 1 Desember 2026 08.00 WIB"
    assert format_office_time(moment, "Asia/Makassar", "TIME") == "09.00 WITA"
    assert format_office_time(moment, "Asia/Jayapura", "TIME") == "10.00 WIT"


def test_citizen_nik_is_unique_and_validated():
    make_citizen(nik=VALID_NIK)
    with pytest.raises(IntegrityError):
        make_citizen(nik=VALID_NIK)


def test_citizen_needs_a_contact_and_a_valid_nik():
    citizen = Citizen(nik="1234", full_name="Budi")
    with pytest.raises(ValidationError) as info:
        citizen.full_clean()
    assert "nik" in info.value.message_dict
    assert "Isi nomor HP atau email" in str(info.value)
    assert (
        str(make_citizen(nik=VALID_NIK, full_name="Budi"))
        == "Budi (3174\u2022\u2022\u2022\u2022\u2022\u2022\u2022\u20220001)"
    )


def test_an_office_slug_cannot_hide_a_portal_page():
    office = make_office()
    office.slug = "kelola"
    with pytest.raises(ValidationError) as info:
        office.full_clean()
    assert "dipakai oleh halaman portal" in str(info.value)
