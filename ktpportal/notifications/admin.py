from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ktpportal.admin_time import office_time
from ktpportal.notifications.models import Notification
from ktpportal.notifications.services import resend_failed
from ktpportal.scoping import OfficeScopedAdmin

# The moments, shown through office_time (the row's office's zone and label) below.
MOMENTS = {
    "created_at": "created",
    "next_attempt_at": "next_attempt",
    "claimed_at": "claimed",
    "sent_at": "sent",
}


@admin.register(Notification)
class NotificationAdmin(OfficeScopedAdmin):
    list_display = [
        "kind",
        "channel",
        "masked_recipient",
        "office",
        "state",
        "attempts",
        "created",
        "sent",
    ]
    # Related-only: a filter listing every office would show staff offices they cannot see.
    list_filter = ["state", "channel", "kind", ("office", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["office"]
    date_hierarchy = "created_at"
    # The key ("booking:42:...") or the exact phone/email a citizen gives at the counter.
    search_fields = ["key", "=recipient"]
    exclude = ["recipient", *MOMENTS]
    created = office_time("created_at", _("dibuat"))
    next_attempt = office_time("next_attempt_at", _("percobaan berikutnya"))
    claimed = office_time("claimed_at", _("diambil pekerja"))
    sent = office_time("sent_at", _("terkirim pada"))
    readonly_fields = [
        MOMENTS.get(f.name, f.name) for f in Notification._meta.fields if f.name != "recipient"
    ] + ["masked_recipient"]
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
