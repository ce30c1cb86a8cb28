import pytest

from ktpportal.models import ZONE_LABELS, District, Province, Regency
from ktpportal.nik import kecamatan_codes

pytestmark = pytest.mark.django_db


def test_all_regions_are_loaded_by_the_migration():
    assert Province.objects.count() == 38
    assert Regency.objects.count() == 514
    assert District.objects.count() == 7285
    assert Regency.objects.filter(kind="kota").count() == 98


@pytest.mark.parametrize(
    ("code", "label"),
    [("31", "WIB"), ("61", "WIB"), ("51", "WITA"), ("73", "WITA"), ("91", "WIT"), ("96", "WIT")],
)
def test_provinces_carry_their_time_zone(code, label):
    assert ZONE_LABELS[Province.objects.get(code=code).tz_name] == label


def test_nik_prefixes_include_retired_codes():
    codes = kecamatan_codes()
    assert len(codes) == 7879
    assert "317401" in codes
    # Some codes from 2016-2024 are gone from today's list but still begin valid NIKs.
    today = set(District.objects.values_list("code", flat=True))
    assert codes - today
    assert today <= codes
