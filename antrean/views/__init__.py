"""The citizen's pages of antrean, split by journey: booking a visit (`booking`) and managing
it later with its code and NIK (`manage`); what both use is in `common`."""

from antrean.views.booking import (
    book,
    booking_ics_download,
    choose_date,
    choose_service,
    choose_time,
    confirmation,
    index,
)
from antrean.views.links import reschedule_link
from antrean.views.manage import (
    booking_detail,
    cancel,
    manage,
    reschedule_confirm,
    reschedule_dates,
    reschedule_times,
)

__all__ = [
    "book",
    "booking_detail",
    "booking_ics_download",
    "cancel",
    "choose_date",
    "choose_service",
    "choose_time",
    "confirmation",
    "index",
    "manage",
    "reschedule_confirm",
    "reschedule_dates",
    "reschedule_link",
    "reschedule_times",
]
