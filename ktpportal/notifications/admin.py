from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ktpportal.notifications.models import Notification
from ktpportal.scoping import OfficeScopedAdmin


def mask_recipient(value: str) -> str:
    if "@" in value:
        name, _, domain = value.partition("@")
        return f"{name[:2]}\u2022\u2022\u2022@{domain}"
    return (
        f"{value[:4]}\u2022\u2022\u2022\u2022{value[-3:]}"
        if len(value) > 7
        else "\u2022" * len(value)
    )


@admin.register(Notification)
class NotificationAdmin(OfficeScopedAdmin):
    list_display = [
        "kind",
        "channel",
        "masked_recipient",
        "state",
        "attempts",
        "created_at",
        "sent_at",
    ]
    list_filter = ["state", "channel", "kind", "office"]
    list_select_related = ["office"]
    date_hierarchy = "created_at"
    search_fields = ["key"]
    exclude = ["recipient"]
    readonly_fields = [f.name for f in Notification._meta.fields if f.name != "recipient"] + [
        "masked_recipient"
    ]

    @admin.display(description=_("penerima"))
    def masked_recipient(self, obj):
        return mask_recipient(obj.recipient)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
