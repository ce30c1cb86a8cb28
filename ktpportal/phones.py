"""Mobile numbers as SMS and WhatsApp gateways take them: the one place a typed number is
checked and normalised (the booking form, a walk-in's number typed at the counter)."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_PHONE_SEPARATORS = re.compile(r"[\s.\-()]+")
# An Indonesian mobile number: 08, 628 or +628, then 7 to 11 more digits (10-13 digits in all).
_MOBILE = re.compile(r"(?:\+62|62|0)(8[0-9]{7,11})")


def normalize_phone(raw: str) -> str:
    """The international form (+628...) SMS and WhatsApp gateways take, or ValidationError."""
    value = _PHONE_SEPARATORS.sub("", raw or "")
    match = _MOBILE.fullmatch(value)
    if not match:
        raise ValidationError(
            _(
                "Nomor HP harus nomor seluler Indonesia, misalnya 0812 3456 7890 atau "
                "+62 812 3456 7890."
            ),
            code="phone",
        )
    return "+62" + match.group(1)
