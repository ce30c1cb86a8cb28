import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationTabularInline

from antrean import disruptions, services
from antrean.models import (
    Booking,
    BookingSettings,
    BookingSetup,
    Closure,
    Disruption,
    OfficeService,
    OpeningHours,
    Slot,
)
from antrean.slots import days_to_generate, generate_slots
from ktpportal.admin_time import OFFICE_TIME_WIDGETS, office_time
from ktpportal.codes import normalize_code
from ktpportal.models import ServiceType
from ktpportal.nik import normalize_nik
from ktpportal.scoping import OfficeScopedAdmin, offices_for


class BookingSettingsInline(admin.StackedInline):
    model = BookingSettings
    formfield_overrides = OFFICE_TIME_WIDGETS
    can_delete = False
    min_num = 1
    max_num = 1


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    formfield_overrides = OFFICE_TIME_WIDGETS
    extra = 0
    max_num = 7


class ClosureInline(TranslationTabularInline):
    """The reason in Indonesian and, for citizens reading English, optionally in English."""

    model = Closure
    formfield_overrides = OFFICE_TIME_WIDGETS
    extra = 1
    verbose_name_plural = _("hari tutup / hari khusus (tanggal mendatang)")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(date__gte=timezone.localdate())


class OfficeServiceInline(admin.TabularInline):
    model = OfficeService
    extra = 0
    autocomplete_fields = ["service_type"]


@admin.register(BookingSetup)
class BookingSetupAdmin(OfficeScopedAdmin):
    """One page per office: hours, closures, services and settings. Saving it brings the
    office's slots in line at once (antrean.slots), flagging bookings whose slot goes."""

    office_path = ""
    list_display = ["name", "regency", "tz_name"]
    list_select_related = ["regency"]
    search_fields = ["name"]
    fields = ["name", "zone"]
    readonly_fields = ["name", "zone"]
    inlines = [BookingSettingsInline, OfficeServiceInline, OpeningHoursInline, ClosureInline]

    @admin.display(description=_("zona waktu"))
    def zone(self, obj):
        return _("Semua jam dan tanggal di halaman ini adalah waktu kantor: %(zone)s.") % {
            "zone": obj.tz_label
        }

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # The office itself is edited on its own page; this one saves only the inlines.
        pass

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        office = form.instance
        settings = BookingSettings.for_office(office)
        result = generate_slots(
            office=office,
            start=timezone.localdate(timezone=office.tz),
            days=days_to_generate(settings),
        )
        if result.flagged:
            self.message_user(
                request,
                ngettext(
                    "%(count)d booking kehilangan jadwalnya dan ditandai perlu ditindaklanjuti.",
                    "%(count)d booking kehilangan jadwalnya dan ditandai perlu ditindaklanjuti.",
                    result.flagged,
                )
                % {"count": result.flagged},
                messages.WARNING,
            )


@admin.register(Slot)
class SlotAdmin(OfficeScopedAdmin):
    """Read only: seats change through the office's settings, never by editing a count."""

    list_display = ["local_start", "office", "service_label", "capacity", "booked", "is_active"]
    # Related-only: a filter listing every office would show staff offices they cannot see.
    list_filter = ["is_active", ("office", admin.RelatedOnlyFieldListFilter), "service_type"]
    list_select_related = ["office", "service_type"]
    date_hierarchy = "starts_at"
    ordering = ["starts_at"]

    local_start = office_time("starts_at", _("mulai"))

    @admin.display(description=_("layanan"))
    def service_label(self, obj):
        return obj.service_type or _("Semua layanan (kursi bersama)")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DailyListForm(forms.Form):
    office = forms.ModelChoiceField(label=_("Kantor"), queryset=None, empty_label=None)
    service_type = forms.ModelChoiceField(
        label=_("Layanan"),
        queryset=ServiceType.objects.active(),
        required=False,
        empty_label=_("Semua layanan"),
    )
    date = forms.DateField(
        label=_("Tanggal"), widget=forms.DateInput(attrs={"type": "date"}), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the staff member's own offices: another office's id is "not a valid choice".
        self.fields["office"].queryset = offices_for(user)


@admin.register(Booking)
class BookingAdmin(OfficeScopedAdmin):
    list_display = [
        "code",
        "citizen_name",
        "masked_nik",
        "office",
        "service_type",
        "visit_time",
        "status",
        "needs_attention",
    ]
    list_filter = [
        "status",
        "needs_attention",
        ("office", admin.RelatedOnlyFieldListFilter),
        "service_type",
    ]
    list_select_related = ["office", "service_type", "slot", "citizen"]
    date_hierarchy = "slot__starts_at"
    search_fields = ["code"]
    search_help_text = _("Cari dengan kode booking lengkap atau NIK lengkap (16 angka).")
    actions = ["mark_checked_in", "mark_no_show"]
    fields = [
        "code",
        "status",
        "office",
        "service_type",
        "visit_time",
        "citizen_name",
        "masked_nik",
        "citizen_phone",
        "citizen_email",
        "sms_consent",
        "reschedule_count",
        "needs_attention",
        "attention_reason",
        "created",
        "cancelled",
    ]
    readonly_fields = [f for f in fields if f != "needs_attention"]
    created = office_time("created_at", _("dibuat"))
    cancelled = office_time("cancelled_at", _("dibatalkan pada"))

    @admin.display(description=_("nama"), ordering="citizen__full_name")
    def citizen_name(self, obj):
        return obj.full_name or obj.citizen.full_name

    @admin.display(description=_("NIK"))
    def masked_nik(self, obj):
        return obj.citizen.masked_nik

    @admin.display(description=_("nomor HP"))
    def citizen_phone(self, obj):
        return obj.phone

    @admin.display(description=_("email"))
    def citizen_email(self, obj):
        return obj.email

    visit_time = office_time("slot__starts_at", _("jadwal"))

    def get_search_results(self, request, queryset, search_term):
        # Exact matches only: partial codes or NIK prefixes would let staff trawl.
        code = normalize_code(search_term)
        if code is not None:
            return queryset.filter(code=code), False
        nik = normalize_nik(search_term)
        if len(nik) == 16 and nik.isdigit():
            return queryset.filter(citizen__nik=nik), False
        if search_term.strip():
            return queryset.none(), False
        return queryset, False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # Deleting would not give the seat back; cancel it instead.
        return False

    def save_model(self, request, obj, form, change):
        # Only the attention flag is edited here; the rest moves through the services, so a
        # stale form can never put back a status or slot the citizen has changed meanwhile.
        if not obj.needs_attention:
            obj.attention_reason = ""
        obj.save(update_fields=["needs_attention", "attention_reason", "updated_at"])

    def _apply(self, request, queryset, service, done_message):
        done = failed = 0
        for booking in queryset:
            try:
                service(booking=booking, by=request.user)
            except services.BookingError:
                failed += 1
            else:
                done += 1
        if done:
            self.message_user(request, done_message % {"count": done}, messages.SUCCESS)
        if failed:
            self.message_user(
                request,
                _("%(count)d booking dilewati karena tidak lagi aktif.") % {"count": failed},
                messages.WARNING,
            )

    @admin.action(description=_("Tandai hadir"), permissions=["change"])
    def mark_checked_in(self, request, queryset):
        self._apply(
            request,
            queryset,
            services.check_in_booking,
            _("%(count)d booking ditandai hadir."),
        )

    @admin.action(description=_("Tandai tidak hadir"), permissions=["change"])
    def mark_no_show(self, request, queryset):
        self._apply(
            request,
            queryset,
            services.mark_no_show,
            _("%(count)d booking ditandai tidak hadir."),
        )

    def get_urls(self):
        return [
            path(
                "daftar-hari-ini/",
                self.admin_site.admin_view(self.daily_list_view),
                name="antrean_booking_daily_list",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "daily_list_url": reverse("admin:antrean_booking_daily_list"),
        }
        return super().changelist_view(request, extra_context)

    def daily_list_view(self, request):
        """The day's visits for one office (and service), masked NIKs, for printing."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = DailyListForm(request.GET or None, user=request.user)
        bookings = None
        office = day = None
        if form.is_valid():
            office = form.cleaned_data["office"]
            day = form.cleaned_data["date"] or timezone.localdate(timezone=office.tz)
            start = datetime.datetime.combine(day, datetime.time(0), tzinfo=office.tz)
            bookings = (
                self.get_queryset(request)
                .filter(
                    office=office,
                    slot__starts_at__gte=start,
                    slot__starts_at__lt=start + datetime.timedelta(days=1),
                )
                .exclude(status=Booking.Status.CANCELLED)
                .select_related("slot", "citizen", "service_type", "office")
                .order_by("slot__starts_at", "service_type__order", "citizen__full_name")
            )
            if form.cleaned_data["service_type"] is not None:
                bookings = bookings.filter(service_type=form.cleaned_data["service_type"])
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Daftar kunjungan hari ini"),
            "form": form,
            "office": office,
            "day": day,
            "service_type": form.cleaned_data.get("service_type") if form.is_bound else None,
            "bookings": bookings,
        }
        return render(request, "admin/antrean/daily_list.html", context)


class DisruptionForm(forms.ModelForm):
    resend = forms.BooleanField(
        label=_("Kirim ulang ke warga sebagai pembaruan"),
        required=False,
        help_text=_(
            "Centang untuk mengirim pesan yang diubah sekali lagi ke warga yang punya antrean "
            'pada tanggal ini, ditandai "pembaruan". Tanpa centang, perubahan hanya tampil '
            "di halaman kantor."
        ),
    )

    class Meta:
        model = Disruption
        fields = ["office", "date", "message", "ends_at"]
        widgets = {"message": forms.Textarea(attrs={"rows": 2})}

    def clean(self):
        cleaned = super().clean()
        # On an edit the office and date are read only, so the form's own unique check
        # (which needs all three fields in the form) does not run: check the text here.
        instance = self.instance
        message = cleaned.get("message")
        if (
            instance.pk
            and message
            and Disruption.objects.filter(
                office_id=instance.office_id, date=instance.date, message=message
            )
            .exclude(pk=instance.pk)
            .exists()
        ):
            self.add_error(
                "message", _("Pemberitahuan yang sama sudah ada untuk kantor dan tanggal ini.")
            )
        return cleaned


@admin.register(Disruption)
class DisruptionAdmin(OfficeScopedAdmin):
    """Notices an office posts for a day (SIAK down, a power cut): shown on its pages and
    sent to that day's bookings (antrean.disruptions). Saving goes through the service."""

    form = DisruptionForm
    list_display = ["date", "office", "message", "ends_at", "revision", "created_by"]
    list_filter = [("office", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["office", "created_by"]
    date_hierarchy = "date"
    ordering = ["-date", "-created_at"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["office", "date", "message", "ends_at"]
        return [
            "office",
            "date",
            "message",
            "ends_at",
            "resend",
            "revision",
            "notified",
            "created_by",
        ]

    def get_readonly_fields(self, request, obj=None):
        # A notice already sent stays on its office and day: post a new one for another.
        if obj is None:
            return []
        return ["office", "date", "revision", "notified", "created_by"]

    notified = office_time("notified_at", _("dikirim pada"))

    def save_model(self, request, obj, form, change):
        resend = form.cleaned_data.get("resend", False)
        disruptions.save_disruption(disruption=obj, by=request.user, resend=resend)
        if not change or resend:
            self.message_user(
                request,
                _(
                    "Pemberitahuan tampil di halaman kantor dan sedang dikirim ke warga yang "
                    "punya antrean pada tanggal itu."
                ),
                messages.INFO,
            )


# The visit day's models (counters, its settings, tickets and events) have their own module.
from antrean.visit import admin as _visit_admin  # noqa: E402, F401
