from django import template

from ktpportal.nik import mask_nik
from ktpportal.timeutil import format_office_time

register = template.Library()


@register.filter
def office_time(value, office, fmt="DATETIME"):
    """`{{ slot.starts_at|office_time:office }}`: the office's own time with its zone label."""
    if value is None:
        return ""
    tz_name = office if isinstance(office, str) else office.tz_name
    return format_office_time(value, tz_name, fmt)


@register.filter
def office_hour(value, office):
    """`{{ slot.starts_at|office_hour:office }}`: "08.00 WIB"."""
    return office_time(value, office, "TIME")


@register.filter
def masked(nik):
    return mask_nik(nik or "")
