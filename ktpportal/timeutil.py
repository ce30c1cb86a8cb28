"""Times as a person at an office reads them: in the office's zone, labelled WIB/WITA/WIT."""

import datetime
import zoneinfo

from django.utils import formats, timezone

from ktpportal.models import ZONE_LABELS


def office_localtime(value: datetime.datetime, tz_name: str) -> datetime.datetime:
    return timezone.localtime(value, zoneinfo.ZoneInfo(tz_name))


def format_office_time(value: datetime.datetime, tz_name: str, fmt: str = "DATETIME") -> str:
    """E.g. "Senin, 1 Desember 2026 08.00 WIT" (the format follows the active language)."""
    local = office_localtime(value, tz_name)
    if fmt == "DATETIME":
        text = f"{formats.date_format(local, 'l, j F Y')} {formats.time_format(local, 'H.i')}"
    elif fmt == "TIME":
        text = formats.time_format(local, "H.i")
    else:
        text = formats.date_format(local, fmt)
    return f"{text} {ZONE_LABELS[tz_name]}"
