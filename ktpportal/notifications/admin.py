from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ktpportal.notifications.models import Notification
from ktpportal.notifications.services import resend_failed
from ktpportal.scoping import OfficeScopedAdmin


@admin.register(Notification)
class NotificationAdmin(OfficeScopedAdmin):
    list_display = [
        "kind",
        "channel",
        "masked_recipient",
        "office",
        "state",
        "attempts",
        "created_at",
        "sent_at",
    ]
    list_filter = ["state", "channel", "kind", "office"]
    list_select_related = ["office"]
    date_hierarchy = "created_at"
    # The key ("booking:42:...") or the exact phone/email a citizen gives at the counter.
    search_fields = ["key", "=recipient"]
    exclude = ["recipient"]
    readonly_fields = [f.name for f in Notification._meta.fields if f.name != "recipient"] + [
        "masked_recipient"
    ]
    actions = ["resend"]

    @admin.display(description=_("penerima"))
    def masked_recipient(self, obj):
        return obj.masked_recipient

    @admin.action(description=_("Kirim ulang notifikasi yang gagal"), permissions=["change"])
    def resend(self, request, queryset):
        count = resend_failed(notifications=queryset)
        if count:
            self.message_user(
                request,
                ngettext(
                    "%(count)d notifikasi dijadwalkan untuk dikirim ulang.",
                    "%(count)d notifikasi dijadwalkan untuk dikirim ulang.",
                    count,
                )
                % {"count": count},
                messages.SUCCESS,
            )
        else:
            self.message_user(
                request,
                _("Tidak ada notifikasi gagal yang dipilih; hanya yang gagal bisa dikirim ulang."),
                messages.WARNING,
            )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
