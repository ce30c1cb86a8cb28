"""Times in the staff admin, as the office reads them.

Every date and time an office's staff see or type is the office's own: a row's moments
(created, promised, changed) are shown in the zone of the row's office with its label, and
the hours and dates they type (opening hours, closures, a notice's end) are office wall-clock
values. Django's admin knows only the server's zone (Asia/Jakarta): its datetime columns
would show a WIT office its times in WIB without a label, and its date and time widgets add a
"Note: Enter times in the Asia/Jakarta timezone" to any browser elsewhere.
"""

from functools import reduce

from django import forms
from django.conf import settings
from django.contrib import admin
from django.db import models

from ktpportal.timeutil import format_office_time

# "1 Des 2026 08.00 WIT": short enough for a list column, the month in the admin's language.
COLUMN_FORMAT = "j M Y H.i"


def office_time(field: str, description, *, office: str = "office"):
    """An admin column or read-only field: the row's `field` (a name or a path such as
    "slot__starts_at") in the zone of its office (`office` is the path from the row to it),
    labelled WIB/WITA/WIT; the server's zone, labelled too, for a row with no office.

        created = office_time("created_at", _("diajukan pada"))
        list_display = [..., "created"]
    """

    @admin.display(description=description, ordering=field)
    def show(modeladmin, obj):
        value = _follow(obj, field)
        if value is None:
            return modeladmin.get_empty_value_display()
        place = _follow(obj, office) if office else obj
        tz_name = place.tz_name if place is not None else settings.TIME_ZONE
        return format_office_time(value, tz_name, COLUMN_FORMAT)

    return show


def _follow(obj, path: str):
    """`obj.slot.office` for "slot__office"."""
    return reduce(getattr, path.split("__"), obj)


class OfficeTimeInput(forms.TimeInput):
    """A time of day at the office: the browser's own time field (no script, a phone's
    picker), without the admin's clock and its server-zone note."""

    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


class OfficeDateInput(forms.DateInput):
    """A date at the office: the browser's own date field, without the server-zone note."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


# For every admin and inline of office data (`formfield_overrides`).
OFFICE_TIME_WIDGETS = {
    models.TimeField: {"widget": OfficeTimeInput},
    models.DateField: {"widget": OfficeDateInput},
}
