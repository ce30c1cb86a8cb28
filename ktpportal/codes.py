"""Random codes people read aloud and type: booking codes and receipt numbers.

Crockford base32 (no I, L, O, U), 12 symbols = 60 bits from `secrets`, shown in groups of
four: `7KQ2-M9XD-4HTP`. Never sequential, so a code reveals nothing about other bookings.
Typing is forgiven: lower case, spaces and dashes, and I/L for 1, O for 0.
"""

import re
import secrets

from django import forms
from django.core.exceptions import ValidationError

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
SYMBOLS = 12
GROUP = 4
_TYPO = str.maketrans({"I": "1", "L": "1", "O": "0"})
_STRIP = re.compile(r"[\s\-.]+")
_VALID = re.compile(f"[{ALPHABET}]{{{SYMBOLS}}}")


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(SYMBOLS))
    return format_code(raw)


def format_code(raw: str) -> str:
    return "-".join(raw[i : i + GROUP] for i in range(0, len(raw), GROUP))


def normalize_code(text: str) -> str | None:
    """The stored form of what a person typed, or None if it cannot be a code."""
    raw = _STRIP.sub("", (text or "").upper()).translate(_TYPO)
    if not _VALID.fullmatch(raw):
        return None
    return format_code(raw)


class CodeFormField(forms.CharField):
    """A box for a booking code or receipt number: forgiving what people type, and
    cleaning to the stored form; `format_message` says what a code looks like."""

    def __init__(self, *, format_message, **kwargs):
        self.format_message = format_message
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
            ),
        )
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return value
        code = normalize_code(value)
        if code is None:
            raise ValidationError(self.format_message, code="format")
        return code
