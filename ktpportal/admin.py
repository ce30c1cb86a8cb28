from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from ktpportal.models import (
    Citizen,
    District,
    Office,
    Province,
    Regency,
    ServiceType,
    StaffMembership,
)
from ktpportal.nik import normalize_nik
from ktpportal.scoping import OfficeScopedAdmin


class StaffLoginForm(AdminAuthenticationForm):
    """The staff login, whose username is held to its length like any other field.

    Django's login form puts the username's max_length (150) on the widget only, so a longer
    name went on to authenticate() and django-axes, whose record of a failed attempt keeps
    255 characters: on PostgreSQL a name of 256 or more was a 500. Here it is the field's
    ordinary error, before any account is looked up or any attempt written. (Truncating the
    name in axes' settings would only have hidden it from the one table.)"""

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))


class ReadOnlyAdmin(admin.ModelAdmin):
    """Reference data loaded from the Kepmendagri lists: looked up, never edited by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Province)
class ProvinceAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "tz_name"]
    list_filter = ["tz_name"]
    search_fields = ["code", "name"]


@admin.register(Regency)
class RegencyAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "kind", "province"]
    list_filter = ["kind", "province"]
    list_select_related = ["province"]
    search_fields = ["code", "name"]


@admin.register(District)
class DistrictAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "regency"]
    list_select_related = ["regency"]
    search_fields = ["code", "name"]


class StaffMembershipInline(admin.TabularInline):
    model = StaffMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Office)
class OfficeAdmin(OfficeScopedAdmin):
    office_path = ""
    list_display = ["name", "kind", "regency", "tz_label", "phone", "is_active"]
    list_filter = ["is_active", "kind", "tz_name", "regency__province"]
    list_select_related = ["regency__province"]
    search_fields = ["name", "regency__name", "address"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["regency"]
    readonly_fields = ["tz_name"]

    @admin.display(description=_("zona"))
    def tz_label(self, obj):
        return obj.tz_label

    def get_inlines(self, request, obj):
        return [StaffMembershipInline] if request.user.is_superuser else []


@admin.register(ServiceType)
class ServiceTypeAdmin(TranslationAdmin):
    """Name, description and "when it applies" in Indonesian and English (citizens reading
    English see the Indonesian where the English is empty)."""

    list_display = ["name", "code", "needs_biometrics", "promised_hours", "order", "is_active"]
    list_editable = ["order"]
    list_filter = ["is_active", "needs_biometrics"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name_ind"]}


@admin.register(Citizen)
class CitizenAdmin(admin.ModelAdmin):
    """Superusers only: staff reach a citizen through their office's bookings and applications."""

    list_display = ["full_name", "masked_nik", "phone", "email", "created_at"]
    search_fields = ["full_name"]
    search_help_text = _("Cari dengan NIK lengkap (16 angka) atau nama.")
    date_hierarchy = "created_at"
    readonly_fields = ["created_at", "updated_at"]

    @admin.display(description=_("NIK"), ordering="nik")
    def masked_nik(self, obj):
        return obj.masked_nik

    def get_search_results(self, request, queryset, search_term):
        nik = normalize_nik(search_term)
        if len(nik) == 16 and nik.isdigit():
            # Exact match only: a NIK prefix search would let staff trawl by region.
            return queryset.filter(nik=nik), False
        return super().get_search_results(request, queryset, search_term)

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(StaffMembership)
class StaffMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "office", "role"]
    list_filter = ["role", "office"]
    list_select_related = ["user", "office"]
    search_fields = ["user__username", "office__name"]
    autocomplete_fields = ["user", "office"]

    def has_module_permission(self, request):
        return request.user.is_superuser
