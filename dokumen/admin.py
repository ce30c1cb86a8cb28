from django.contrib import admin
from django.contrib.admin.options import ActionLocation
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from dokumen.models import OfficeRequirementChange, Requirement
from ktpportal.admin import ServiceTypeAdmin
from ktpportal.models import ServiceType
from ktpportal.scoping import OfficeScopedAdmin

DOCUMENT_FIELDS = ["name", "short_name", "help_text", "copy_kind", "quantity", "condition", "order"]


@admin.register(Requirement)
class RequirementAdmin(TranslationAdmin):
    """The national lists, in Indonesian and English. Editing needs the model permission
    (superusers, national staff); office admins get view only, and make their differences
    with office changes."""

    list_display = [
        "name",
        "service_type",
        "copy_kind",
        "quantity",
        "condition",
        "order",
        "is_active",
    ]
    list_display_links = ["name"]
    list_editable = ["order"]
    list_filter = ["service_type", "is_active", "copy_kind"]
    list_select_related = ["service_type"]
    search_fields = ["name", "short_name", "help_text"]
    ordering = ["service_type__order", "service_type__name", "order", "pk"]
    fields = ["service_type", *DOCUMENT_FIELDS, "legal_basis", "is_active"]

    def has_delete_permission(self, request, obj=None):
        # A seeded row that was deleted would come back on the next seed_requirements:
        # switching it off is the lasting way to drop it.
        if obj is not None and obj.seed_key:
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location)
        actions.pop("delete_selected", None)  # would bypass the seeded-row rule above
        return actions


@admin.register(OfficeRequirementChange)
class OfficeRequirementChangeAdmin(OfficeScopedAdmin, TranslationAdmin):
    """An office's own additions to, and removals from, the national lists; an addition's
    texts in English too, when the office writes them."""

    office_path = "office"
    list_display = ["__str__", "office", "service_type", "order"]
    list_select_related = ["office", "service_type", "not_needed"]
    search_fields = ["name", "not_needed__name", "note"]
    ordering = ["office__name", "service_type__order", "order", "pk"]
    fieldsets = [
        (None, {"fields": ["office", "service_type", "note"]}),
        (
            _("Persyaratan nasional yang tidak diperlukan di kantor ini"),
            {"fields": ["not_needed"]},
        ),
        (_("ATAU dokumen tambahan yang diminta kantor ini"), {"fields": DOCUMENT_FIELDS}),
    ]

    def get_list_filter(self, request):
        # The office filter would list every office's name: only superusers see them all.
        if request.user.is_superuser:
            return ["service_type", "office"]
        return ["service_type"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "not_needed":
            kwargs["queryset"] = Requirement.objects.filter(is_active=True).select_related(
                "service_type"
            )
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "not_needed":
            field.label_from_instance = lambda r: f"{r.service_type.name}: {r.name}"
        return field


class RequirementInline(TranslationTabularInline):
    """The national list, in order on its service type's page; its texts in both languages
    are edited on each requirement's own page (a table of eight texts would not fit)."""

    model = Requirement
    fields = ["order", "name", "copy_kind", "quantity", "is_active"]
    ordering = ["order", "pk"]
    extra = 0
    show_change_link = True

    def has_delete_permission(self, request, obj=None):
        return False  # switch off instead: a deleted seeded row would come back


# ktpportal cannot import dokumen (arrows point one way), so dokumen extends the admin.
admin.site.unregister(ServiceType)


@admin.register(ServiceType)
class ServiceTypeWithRequirementsAdmin(ServiceTypeAdmin):
    inlines = [*ServiceTypeAdmin.inlines, RequirementInline]
