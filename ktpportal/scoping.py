"""Which offices a staff user may see: the one rule every app's admin applies.

Superusers see every office. Other staff see the offices they have a StaffMembership at,
and nothing else, whether through a list, a change form or a hand-made URL (the admin's
get_queryset is the gate: an object outside it is "not found").
"""

from django.contrib import admin
from django.db.models import QuerySet

from ktpportal.models import Office, StaffRole


def offices_for(user, *, role: StaffRole | None = None) -> QuerySet[Office]:
    """The offices this user works at (all of them for a superuser)."""
    if not user.is_authenticated or not user.is_active:
        return Office.objects.none()
    if user.is_superuser:
        return Office.objects.all()
    memberships = user.memberships.all()
    if role is not None:
        memberships = memberships.filter(role=role)
    return Office.objects.filter(pk__in=memberships.values("office_id"))


def scope_to_offices(queryset: QuerySet, user, office_path: str = "office") -> QuerySet:
    """Filter any queryset down to rows whose `office_path` leads to one of the user's offices."""
    if user.is_superuser:
        return queryset
    lookup = "pk__in" if office_path == "" else f"{office_path}__in"
    return queryset.filter(**{lookup: offices_for(user)})


class OfficeScopedAdmin(admin.ModelAdmin):
    """ModelAdmin for data that belongs to an office.

    Set `office_path` to the lookup from the model to its Office ("office",
    "slot__office", or "" for Office itself).
    """

    office_path = "office"

    def get_queryset(self, request):
        return scope_to_offices(super().get_queryset(request), request.user, self.office_path)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Office and not request.user.is_superuser:
            kwargs["queryset"] = offices_for(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
