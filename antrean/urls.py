import datetime

from django.urls import path, register_converter

from antrean import views


class IsoDateConverter:
    """`2026-12-01` as a date; a day that does not exist (2026-02-30) is a 404."""

    regex = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"

    def to_python(self, value: str) -> datetime.date:
        return datetime.date.fromisoformat(value)

    def to_url(self, value: datetime.date) -> str:
        return value.isoformat()


register_converter(IsoDateConverter, "isodate")

app_name = "antrean"

urlpatterns = [
    path("", views.index, name="index"),
    path("selesai/", views.confirmation, name="confirmation"),
    path("kelola/", views.manage, name="manage"),
    path("kelola/antrean/", views.booking_detail, name="booking-detail"),
    path("kelola/kunjungan-dukcapil.ics", views.booking_ics_download, name="booking-ics"),
    path("kelola/batal/", views.cancel, name="cancel"),
    path("kelola/u/<str:token>/", views.reschedule_link, name="reschedule-link"),
    path("kelola/jadwal/", views.reschedule_dates, name="reschedule-dates"),
    path("kelola/jadwal/<isodate:day>/", views.reschedule_times, name="reschedule-times"),
    path(
        "kelola/jadwal/<isodate:day>/<int:slot_id>/",
        views.reschedule_confirm,
        name="reschedule-confirm",
    ),
    path("<slug:office_slug>/", views.choose_service, name="service"),
    path("<slug:office_slug>/<slug:service_code>/", views.choose_date, name="dates"),
    path(
        "<slug:office_slug>/<slug:service_code>/<isodate:day>/",
        views.choose_time,
        name="times",
    ),
    path(
        "<slug:office_slug>/<slug:service_code>/<isodate:day>/<int:slot_id>/",
        views.book,
        name="book",
    ),
]
