"""The NIK (Nomor Induk Kependudukan): validation, parsing and masking, in one place.

Layout (see ../shared/DOMAIN.md): PP KK CC DDMMYY SSSS. The first six digits are the
kecamatan where the NIK was first issued, checked against every kecamatan code from 2016
to 2025 (a NIK keeps its prefix after a move or a region split). DD is the day of birth,
plus 40 for women. YY has no century: the one that puts the date not in the future wins.
A NIK that passes is only well formed; only Dukcapil's register can say it exists.
"""

import csv
import datetime
import functools
import re
from dataclasses import dataclass
from pathlib import Path

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

KECAMATAN_CODES_CSV = (
    Path(__file__).parent / "data" / "wilayah" / "kecamatan_codes_union_2016_2025.csv"
)
_SEPARATORS = re.compile(r"[\s.\-]+")
_SIXTEEN_DIGITS = re.compile(r"[0-9]{16}")
MASK_CHAR = "\u2022"


@functools.cache
def kecamatan_codes() -> frozenset[str]:
    with KECAMATAN_CODES_CSV.open(newline="", encoding="utf-8") as f:
        return frozenset(row["kode_nik"] for row in csv.DictReader(f))


@dataclass(frozen=True)
class NIK:
    value: str
    birth_date: datetime.date
    female: bool

    @property
    def kecamatan_code(self) -> str:
        return self.value[:6]

    @property
    def masked(self) -> str:
        return mask_nik(self.value)


def normalize_nik(raw: str) -> str:
    """Drop the spaces, dots and dashes people type or copy from documents."""
    return _SEPARATORS.sub("", raw or "")


def parse_nik(raw: str, *, today: datetime.date | None = None) -> NIK:
    """Return the parsed NIK, or raise ValidationError saying which part is wrong."""
    value = normalize_nik(raw)
    if not value:
        raise ValidationError(_("NIK wajib diisi."), code="required")
    if not (value.isascii() and value.isdigit()):
        raise ValidationError(_("NIK hanya boleh berisi angka 0-9."), code="digits")
    if not _SIXTEEN_DIGITS.fullmatch(value):
        raise ValidationError(
            _("NIK harus 16 angka; yang diisi %(count)d angka."),
            code="length",
            params={"count": len(value)},
        )
    if value[:6] not in kecamatan_codes():
        raise ValidationError(
            _("Enam angka pertama NIK (kode wilayah %(prefix)s) tidak dikenal."),
            code="region",
            params={"prefix": value[:6]},
        )
    day, month, year2 = int(value[6:8]), int(value[8:10]), int(value[10:12])
    female = day > 40
    if female:
        day -= 40
    if not 1 <= day <= 31:
        raise ValidationError(
            _("Angka ke-7 dan ke-8 NIK (tanggal lahir) harus 01-31, atau 41-71 untuk perempuan."),
            code="day",
        )
    if not 1 <= month <= 12:
        raise ValidationError(
            _("Angka ke-9 dan ke-10 NIK (bulan lahir) harus 01-12."), code="month"
        )
    today = today or timezone.localdate()
    year = 2000 + year2
    if (year, month, day) > (today.year, today.month, today.day):
        year -= 100
    try:
        birth_date = datetime.date(year, month, day)
    except ValueError:
        raise ValidationError(
            _("Tanggal lahir dalam NIK (%(day)02d-%(month)02d) tidak ada di kalender."),
            code="date",
            params={"day": day, "month": month},
        ) from None
    if value[12:] == "0000":
        raise ValidationError(
            _("Empat angka terakhir NIK (nomor urut) tidak boleh 0000."), code="serial"
        )
    return NIK(value=value, birth_date=birth_date, female=female)


def validate_nik(value: str) -> None:
    """Model-field validator: accepts only the normalized 16-digit form."""
    parse_nik(value)
    if normalize_nik(value) != value:
        raise ValidationError(_("NIK harus disimpan tanpa spasi atau tanda baca."), code="format")


def mask_nik(value: str) -> str:
    """`3174••••••••0001`: enough for a person to recognise their own NIK, no more."""
    if len(value) != 16:
        return MASK_CHAR * len(value)
    return value[:4] + MASK_CHAR * 8 + value[12:]


class NIKFormField(forms.CharField):
    """A text box for a NIK: numeric keypad on phones, separators removed, checked."""

    default_error_messages = {"required": _("NIK wajib diisi.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("NIK (16 angka)"))
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("help_text", _("Nomor Induk Kependudukan, tertera di KK atau KTP-el."))
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"})
        return attrs

    def to_python(self, value):
        return normalize_nik(super().to_python(value))

    def validate(self, value):
        super().validate(value)
        if value:
            parse_nik(value)
