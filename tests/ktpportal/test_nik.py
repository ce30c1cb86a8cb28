import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from ktpportal.nik import NIKFormField, mask_nik, normalize_nik, parse_nik, validate_nik

TODAY = datetime.date(2026, 11, 28)


@pytest.mark.parametrize(
    ("raw", "birth_date", "female"),
    [
        ("3174011208900001", datetime.date(1990, 8, 12), False),
        ("3174015203010002", datetime.date(2001, 3, 12), True),
        ("31.7401.120890.0001", datetime.date(1990, 8, 12), False),
        ("3174 0112 0890 0001", datetime.date(1990, 8, 12), False),
        ("3174-01-120890-0001", datetime.date(1990, 8, 12), False),
        # 29 February exists in 2000, so the century that keeps it in the past wins.
        ("3174012902000001", datetime.date(2000, 2, 29), False),
        # YY=26 with a date after today is 1926, not 2026.
        ("3174011512260001", datetime.date(1926, 12, 15), False),
        ("3174012811260001", datetime.date(2026, 11, 28), False),
        # A prefix retired by the 2022 Papua split is still a valid NIK prefix.
        ("9101011208900001", datetime.date(1990, 8, 12), False),
    ],
)
def test_valid_niks_parse(raw, birth_date, female):
    nik = parse_nik(raw, today=TODAY)
    assert nik.birth_date == birth_date
    assert nik.female is female
    assert nik.value == normalize_nik(raw)


@pytest.mark.parametrize(
    ("raw", "code", "words"),
    [
        ("", "required", "wajib"),
        ("31740112089000", "length", "16 angka"),
        ("317401120890000123", "length", "16 angka"),
        ("3174O11208900001", "digits", "angka 0-9"),
        ("３１７４０１１２０８９０００１", "digits", "angka 0-9"),
        ("9999991208900001", "region", "kode wilayah 999999"),
        ("3174013208900001", "day", "tanggal lahir"),
        ("3174017208900001", "day", "tanggal lahir"),
        ("3174010013900001", "day", "tanggal lahir"),
        ("3174011213900001", "month", "bulan lahir"),
        ("3174013102900001", "date", "tidak ada di kalender"),
        ("3174012902010001", "date", "tidak ada di kalender"),
        ("3174011208900000", "serial", "0000"),
    ],
)
def test_invalid_niks_say_which_part_is_wrong(raw, code, words):
    with pytest.raises(ValidationError) as info:
        parse_nik(raw, today=TODAY)
    assert info.value.code == code
    assert words in " ".join(info.value.messages)


def test_model_validator_wants_the_normalized_form():
    validate_nik("3174011208900001")
    with pytest.raises(ValidationError):
        validate_nik("3174 0112 0890 0001")


def test_mask_shows_only_region_and_serial():
    assert (
        mask_nik("3174011208900001") == "3174\u2022\u2022\u2022\u2022\u2022\u2022\u2022\u20220001"
    )
    assert "12089" not in mask_nik("3174011208900001")
    assert mask_nik("123") == "\u2022\u2022\u2022"


def test_form_field_normalizes_and_reports_in_indonesian():
    field = NIKFormField()
    assert field.clean(" 3174.0112.0890.0001 ") == "3174011208900001"
    with pytest.raises(ValidationError) as info:
        field.clean("")
    assert info.value.messages == ["NIK wajib diisi."]
    assert field.widget.attrs["inputmode"] == "numeric"


@given(st.text(max_size=40))
def test_any_input_is_a_nik_or_a_validation_error(raw):
    try:
        nik = parse_nik(raw, today=TODAY)
    except ValidationError:
        return
    assert len(nik.value) == 16 and nik.value.isdigit()


@given(st.from_regex(r"\A(317401|110101|940101)[0-7][0-9][01][0-9][0-9]{2}[0-9]{4}\Z"))
def test_nik_shaped_input_never_raises_anything_else(raw):
    try:
        nik = parse_nik(raw, today=TODAY)
    except ValidationError:
        return
    assert nik.birth_date <= TODAY
