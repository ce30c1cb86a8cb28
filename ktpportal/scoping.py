"""Which offices a staff user may see: the one rule every app's admin applies.

Superusers see every office. Other staff see the offices they have a StaffMembership at,
and nothing else, whether through a list, a change form or a hand-made URL (the admin's
get_queryset is the gate: an object outside it is "not found").
"""

from django.contrib import admin
from django.db.models import QuerySet

from ktpportal.admin_time import OFFICE_TIME_WIDGETS
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


def sees_several_offices(request) -> bool:
    """Whether this request's user sees more than one office (kept on the request: a list
    page asks for its columns and its filters)."""
    if not hasattr(request, "_sees_several_offices"):
        request._sees_several_offices = offices_for(request.user)[:2].count() > 1
    return request._sees_several_offices


class OfficeScopedAdmin(admin.ModelAdmin):
    """ModelAdmin for data that belongs to an office.

    Set `office_path` to the lookup from the model to its Office ("office",
    "slot__office", or "" for Office itself). Show moments with
    `ktpportal.admin_time.office_time` (the row's office's zone and label); dates and times
    of day are typed as office time (OFFICE_TIME_WIDGETS; inlines set it too).
    """

    office_path = "office"
    formfield_overrides = OFFICE_TIME_WIDGETS

    class Media:
        css = {"all": ["css/admin-lists.css"]}

    def get_queryset(self, request):
        return scope_to_offices(super().get_queryset(request), request.user, self.office_path)

    def get_list_display(self, request):
        # Staff of one office need no column (or filter) repeating its name on every row:
        # on a laptop it pushed the schedule and status off the screen.
        columns = super().get_list_display(request)
        if self.office_path and not sees_several_offices(request):
            columns = [column for column in columns if column != self.office_path]
        return columns

    def get_list_filter(self, request):
        filters = super().get_list_filter(request)
        if self.office_path and not sees_several_offices(request):
            filters = [
                f for f in filters if (f[0] if isinstance(f, tuple) else f) != self.office_path
            ]
        return filters

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Office and not request.user.is_superuser:
            kwargs["queryset"] = offices_for(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
