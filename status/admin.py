"""Staff work on applications here. Stages change only through status.services: the change
form's "Tahap baru" and the bulk actions both call it, so the moves table and the citizen's
notification apply the same way everywhere."""

from collections import defaultdict

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from antrean.visit.counter import application_initial
from ktpportal.admin_time import office_time
from ktpportal.codes import normalize_code
from ktpportal.models import ServiceType
from ktpportal.nik import NIKFormField, normalize_nik, parse_nik
from ktpportal.params import query_text
from ktpportal.scoping import OfficeScopedAdmin, offices_for
from status.models import Application, StatusChange
from status.services import (
    StatusError,
    change_stage,
    change_stage_bulk,
    create_application,
    find_booking_for_staff,
    get_or_create_citizen,
)
from status.stages import Stage, next_stages

NOTE_MAX = 500
MAX_NIK_RESULTS = 100
# Moves where the citizen cannot act without being told what or why.
NOTE_REQUIRED = frozenset({Stage.BERKAS_KURANG, Stage.DITOLAK, Stage.DATA_GANDA})


class ApplicationAddForm(forms.ModelForm):
    """At the counter: who applies (found by NIK, or registered now), where, for what.
    `user` is set by the admin: a booking code is looked up in that user's offices only."""

    user = None
    # Typed once, in the "Dari booking antrean" box above the form (a GET that fills the
    # form from the booking); carried here so that saving links the application to it.
    booking_code = forms.CharField(max_length=40, required=False, widget=forms.HiddenInput)
    nik = NIKFormField()
    full_name = forms.CharField(label=_("Nama lengkap"), max_length=100)
    phone = forms.CharField(
        label=_("Nomor HP"),
        max_length=20,
        required=False,
        help_text=_("Untuk SMS/WhatsApp saat ada yang perlu dilakukan atau kartu siap."),
    )
    email = forms.EmailField(label=_("Email"), required=False)

    class Meta:
        model = Application
        fields = ["office", "service_type", "public_note"]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("phone") and not cleaned.get("email"):
            raise ValidationError(_("Isi nomor HP atau email, agar pemohon bisa dihubungi."))
        cleaned["booking"] = None
        if cleaned.get("booking_code"):
            booking = find_booking_for_staff(code=cleaned["booking_code"], by=self.user)
            # The code's own field is hidden: its errors are the form's.
            if booking is None:
                self.add_error(None, _("Kode booking tidak ditemukan di kantor Anda."))
            elif cleaned.get("nik") and booking.citizen.nik != cleaned["nik"]:
                self.add_error(None, _("Booking ini atas NIK lain."))
            elif cleaned.get("office") and booking.office_id != cleaned["office"].pk:
                self.add_error("office", _("Booking ini untuk kantor lain."))
            else:
                cleaned["booking"] = booking
        return cleaned


class ApplicationChangeForm(forms.ModelForm):
    """Nothing of the application is edited directly: a move to a new stage, with notes."""

    new_stage = forms.ChoiceField(
        label=_("Tahap baru"),
        required=False,
        error_messages={"invalid_choice": _("Tahap ini tidak bisa dipilih dari tahap sekarang.")},
    )
    new_public_note = forms.CharField(
        label=_("Catatan untuk pemohon"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Terlihat oleh pemohon dan dikirim lewat SMS/email. Untuk berkas kurang: sebut "
            "dokumennya. Untuk ditolak: sebut alasannya."
        ),
    )
    internal_note = forms.CharField(
        label=_("Catatan internal"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Hanya untuk petugas; tidak pernah ditampilkan ke pemohon."),
    )

    class Meta:
        model = Application
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        application = self.instance
        stages = next_stages(
            application.stage, needs_biometrics=application.service_type.needs_biometrics
        )
        self.fields["new_stage"].choices = [
            ("", _("(tidak diubah)")),
            *((stage.value, stage.label) for stage in stages),
        ]

    def clean(self):
        cleaned = super().clean()
        stage = cleaned.get("new_stage")
        if not stage and (cleaned.get("new_public_note") or cleaned.get("internal_note")):
            raise ValidationError(_("Catatan disimpan bersama perubahan tahap: pilih tahap baru."))
        if stage in NOTE_REQUIRED and not cleaned.get("new_public_note"):
            self.add_error(
                "new_public_note",
                _("Tulis catatan untuk pemohon: apa yang harus ia lakukan atau bawa."),
            )
        return cleaned


class StatusChangeInline(admin.TabularInline):
    """The timeline: an audit record, so never edited."""

    model = StatusChange
    fields = ["changed", "from_stage", "to_stage", "changed_by", "public_note", "internal_note"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["changed_at", "pk"]
    changed = office_time("changed_at", _("waktu"), office="application__office")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("changed_by", "application__office")


class OfficeListFilter(admin.RelatedFieldListFilter):
    """Lists only the offices the staff member works at."""

    def field_choices(self, field, request, model_admin):
        return [(office.pk, str(office)) for office in offices_for(request.user)]


def _bulk_action(to_stage: Stage, description):
    def action(modeladmin, request, queryset):
        try:
            moved, skipped = change_stage_bulk(
                applications=queryset, to_stage=to_stage, by=request.user
            )
        except StatusError as error:
            modeladmin.message_user(request, error.message, messages.ERROR)
            return
        if moved:
            modeladmin.message_user(
                request,
                ngettext(
                    "%(count)d permohonan dipindahkan ke %(stage)s.",
                    "%(count)d permohonan dipindahkan ke %(stage)s.",
                    len(moved),
                )
                % {"count": len(moved), "stage": to_stage.label},
                messages.SUCCESS,
            )
        by_reason = defaultdict(list)
        for application, reason in skipped:
            by_reason[reason].append(application.receipt_number)
        for reason, numbers in by_reason.items():
            shown = ", ".join(numbers[:10])
            if len(numbers) > 10:
                shown += _(" dan %(count)d lainnya") % {"count": len(numbers) - 10}
            modeladmin.message_user(
                request,
                _("%(count)d dilewati (%(reason)s): %(numbers)s")
                % {"count": len(numbers), "reason": reason, "numbers": shown},
                messages.WARNING,
            )

    action.__name__ = f"mark_{to_stage.value}"
    return admin.action(description=description, permissions=["change"])(action)


@admin.register(Application)
class ApplicationAdmin(OfficeScopedAdmin):
    office_path = "office"
    list_display = [
        "receipt_number",
        "applicant_name",
        "masked_nik",
        "service_type",
        "office",
        "stage",
        "created",
        "waiting",
        "promised",
    ]
    list_filter = [
        "stage",
        "service_type",
        ("office", OfficeListFilter),
        "created_at",
    ]
    list_select_related = ["citizen", "service_type", "office"]
    # Oldest first: the longest wait is at the top.
    ordering = ["created_at", "pk"]
    search_fields = ["receipt_number"]
    search_help_text = _("Nomor tanda terima lengkap. Untuk NIK, pakai kotak Cari NIK.")
    list_per_page = 50
    inlines = [StatusChangeInline]
    actions = [
        _bulk_action(Stage.SIAP_CETAK, _("Tandai siap cetak (PRR)")),
        _bulk_action(Stage.DICETAK, _("Tandai dicetak")),
        _bulk_action(Stage.SIAP_DIAMBIL, _("Tandai siap diambil")),
        _bulk_action(Stage.DISERAHKAN, _("Tandai diserahkan")),
    ]

    created = office_time("created_at", _("diajukan pada"))
    promised = office_time("promised_at", _("janji selesai"))

    @admin.display(description=_("pemohon"), ordering="citizen__full_name")
    def applicant_name(self, obj):
        return obj.citizen.full_name

    @admin.display(description=_("NIK"))
    def masked_nik(self, obj):
        return obj.citizen.masked_nik

    @admin.display(description=_("pemohon"))
    def applicant(self, obj):
        citizen = obj.citizen
        contact = ", ".join(value for value in (citizen.phone, citizen.email) if value)
        return f"{citizen.full_name} ({citizen.masked_nik}) {contact}"

    @admin.display(description=_("lama menunggu"), ordering="created_at")
    def waiting(self, obj):
        if obj.is_final:
            return "-"
        return timesince(obj.created_at, timezone.now())

    def has_delete_permission(self, request, obj=None):
        # The application and its timeline are the office's record: cancel, never delete.
        return False

    def get_search_results(self, request, queryset, search_term):
        """A whole receipt number, nothing partial, so the search box cannot be used to
        browse citizens by fragments. NIKs go through search_nik_view (a POST)."""
        term = search_term.strip()
        if not term:
            return queryset, False
        code = normalize_code(term)
        if code is not None:
            return queryset.filter(receipt_number=code), False
        if normalize_nik(term).isdigit():
            self.message_user(
                request,
                _("Untuk mencari NIK, pakai kotak Cari NIK (agar NIK tidak ada di alamat)."),
                messages.WARNING,
            )
        return queryset.none(), False

    def get_urls(self):
        return [
            path(
                "cari-nik/",
                self.admin_site.admin_view(self.search_nik_view),
                name="status_application_search_nik",
            ),
            *super().get_urls(),
        ]

    def search_nik_view(self, request):
        """Find applications by exact NIK, sent by POST so the NIK stays out of every URL
        (and so out of access logs and browser history); the answer is a redirect to the
        application, or to the list of its ids."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        changelist = reverse("admin:status_application_changelist")
        try:
            nik = parse_nik(request.POST.get("nik", "")[:40]).value
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return HttpResponseRedirect(changelist)
        ids = list(
            self.get_queryset(request)
            .filter(citizen__nik=nik)
            .values_list("pk", flat=True)[:MAX_NIK_RESULTS]
        )
        if not ids:
            self.message_user(
                request, _("Tidak ada permohonan untuk NIK ini di kantor Anda."), messages.INFO
            )
            return HttpResponseRedirect(changelist)
        if len(ids) == 1:
            return HttpResponseRedirect(reverse("admin:status_application_change", args=[ids[0]]))
        return HttpResponseRedirect(f"{changelist}?id__in={','.join(map(str, ids))}")

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = ApplicationChangeForm if obj else ApplicationAddForm
        form = super().get_form(request, obj, change=change, **kwargs)
        # A class made for this request (modelform_factory), so this stays per request.
        form.user = request.user
        return form

    def get_changeform_initial_data(self, request):
        """`?kode_booking=...` fills the add form from the booking the citizen shows."""
        code = query_text(request, "kode_booking", max_length=40)
        if not code:
            initial = super().get_changeform_initial_data(request)
            offices = list(offices_for(request.user)[:2])
            if len(offices) == 1:
                # Staff of one office: their office, not a choice to make on every form.
                initial.setdefault("office", offices[0].pk)
            return initial
        booking = find_booking_for_staff(code=code, by=request.user)
        if booking is None:
            self.message_user(
                request, _("Kode booking tidak ditemukan di kantor Anda."), messages.WARNING
            )
            return {}
        # What the citizen typed for this visit, not what their record held before it.
        return application_initial(booking)

    def get_fields(self, request, obj=None):
        if obj is None:
            return [
                "booking_code",
                "nik",
                "full_name",
                "phone",
                "email",
                "office",
                "service_type",
                "public_note",
            ]
        return [
            *self.get_readonly_fields(request, obj),
            "new_stage",
            "new_public_note",
            "internal_note",
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [
            "receipt_number",
            "applicant",
            "service_type",
            "office",
            "stage",
            "created",
            "promised",
            "public_note",
        ]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "service_type":
            kwargs["queryset"] = ServiceType.objects.active()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_inlines(self, request, obj):
        return self.inlines if obj else []

    def save_form(self, request, form, change):
        if change:
            return form.instance
        data = form.cleaned_data
        citizen = get_or_create_citizen(
            nik=data["nik"],
            full_name=data["full_name"],
            phone=data["phone"],
            email=data["email"],
        )
        return create_application(
            citizen=citizen,
            office=data["office"],
            service_type=data["service_type"],
            by=request.user,
            booking=data["booking"],
            public_note=data["public_note"],
        )

    def save_model(self, request, obj, form, change):
        new_stage = form.cleaned_data.get("new_stage") if change else None
        if not new_stage:
            return
        try:
            change_stage(
                application=obj,
                to_stage=new_stage,
                by=request.user,
                public_note=form.cleaned_data["new_public_note"],
                internal_note=form.cleaned_data["internal_note"],
            )
        except StatusError as error:
            # Checked in the form already; this is a colleague's move landing first.
            request._status_error = error.message

    def save_related(self, request, form, formsets, change):
        # No many-to-many fields (the services above saved the application), and the
        # timeline inline is read-only: saving its formset only records that nothing changed.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def response_change(self, request, obj):
        error = getattr(request, "_status_error", None)
        if error:
            self.message_user(request, error, messages.ERROR)
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)
