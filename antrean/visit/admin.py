"""The visit day in the admin, kept simple (the counter, check-in and board pages are staff
views of their own): office admins set the day's rules and their counters; staff can read
the day's tickets and events. Registered from antrean/admin.py."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from antrean.models import Counter, Ticket, VisitEvent, VisitSettings
from ktpportal.models import ServiceType
from ktpportal.scoping import OfficeScopedAdmin
from ktpportal.timeutil import format_office_time


@admin.register(VisitSettings)
class VisitSettingsAdmin(OfficeScopedAdmin):
    list_display = [
        "office",
        "check_in_early_minutes",
        "check_in_late_minutes",
        "late_as_walk_in",
        "calls_before_no_show",
        "no_show_rule",
    ]
    list_select_related = ["office"]
    fieldsets = [
        (None, {"fields": ["office"]}),
        (
            _("Check-in"),
            {"fields": ["check_in_early_minutes", "check_in_late_minutes", "late_as_walk_in"]},
        ),
        (
            _("Loket"),
            {"fields": ["calls_before_no_show", "service_minutes", "serve_after_closing_minutes"]},
        ),
        (
            _("Yang sering tidak hadir"),
            {"fields": ["no_show_rule", "no_show_limit", "no_show_days", "no_show_wait_days"]},
        ),
    ]


@admin.register(Counter)
class CounterAdmin(OfficeScopedAdmin):
    list_display = ["label", "office", "service_list", "is_active"]
    list_filter = ["is_active", ("office", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["office"]
    filter_horizontal = ["services"]
    ordering = ["office__name", "number"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("services")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "services":
            kwargs["queryset"] = ServiceType.objects.active()
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description=_("loket"), ordering="number")
    def label(self, obj):
        return obj.label

    @admin.display(description=_("layanan"))
    def service_list(self, obj):
        return ", ".join(s.name for s in obj.services.all()) or _("Semua layanan")


class ReadOnlyAdmin(OfficeScopedAdmin):
    """Rows only the services write."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Ticket)
class TicketAdmin(ReadOnlyAdmin):
    list_display = ["label", "office", "day", "service_type", "kind", "priority", "state", "issued"]
    list_filter = ["state", "kind", "priority", ("office", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["office", "service_type"]
    date_hierarchy = "day"
    ordering = ["-day", "letter", "number"]
    # The phone is the citizen's: not shown.
    fields = [
        "label",
        "office",
        "day",
        "service_type",
        "kind",
        "booking",
        "priority",
        "state",
        "counter",
        "call_count",
        "issued",
        "first_called",
        "finished",
    ]
    readonly_fields = fields

    @admin.display(description=_("nomor antrean"), ordering="number")
    def label(self, obj):
        return obj.label

    @admin.display(description=_("diberikan"), ordering="issued_at")
    def issued(self, obj):
        return format_office_time(obj.issued_at, obj.office.tz_name, "TIME")

    @admin.display(description=_("dipanggil pertama"))
    def first_called(self, obj):
        if obj.first_called_at is None:
            return "-"
        return format_office_time(obj.first_called_at, obj.office.tz_name, "TIME")

    @admin.display(description=_("berakhir"))
    def finished(self, obj):
        if obj.finished_at is None:
            return "-"
        return format_office_time(obj.finished_at, obj.office.tz_name, "TIME")


@admin.register(VisitEvent)
class VisitEventAdmin(ReadOnlyAdmin):
    list_display = ["local_time", "office", "kind", "ticket", "booking", "counter", "staff"]
    list_filter = ["kind", ("office", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["office", "ticket", "booking", "counter", "staff"]
    date_hierarchy = "at"
    ordering = ["-at", "-pk"]

    @admin.display(description=_("waktu"), ordering="at")
    def local_time(self, obj):
        return format_office_time(obj.at, obj.office.tz_name)
