"""The outbox: one row per message that must reach a citizen, written in the same
transaction as the event that causes it (a booking, a change of stage)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ktpportal.models import Office

MASK_CHAR = "\u2022"


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")


class State(models.TextChoices):
    PENDING = "pending", _("menunggu")
    SENDING = "sending", _("sedang dikirim")
    SENT = "sent", _("terkirim")
    FAILED = "failed", _("gagal")


def mask_recipient(value: str) -> str:
    """ "si•••@example.org" / "0812••••890": enough for staff to recognise, not to copy."""
    if "@" in value:
        name, _at, domain = value.partition("@")
        return f"{name[:2]}{MASK_CHAR * 3}@{domain}"
    return f"{value[:4]}{MASK_CHAR * 4}{value[-3:]}" if len(value) > 7 else MASK_CHAR * len(value)


class Notification(models.Model):
    # e.g. "booking:42:confirmed:email"; a second write of the same event is refused by the
    # unique index, so a retried request or task never produces a second message. The key
    # also goes to the SMS/WhatsApp gateway as its idempotency key.
    key = models.CharField(_("kunci idempotensi"), max_length=200, unique=True)
    kind = models.CharField(_("jenis pesan"), max_length=50)
    channel = models.CharField(_("saluran"), max_length=10, choices=Channel.choices)
    recipient = models.CharField(_("penerima"), max_length=254)
    language = models.CharField(_("bahasa"), max_length=5, default="id")
    office = models.ForeignKey(
        Office, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("kantor")
    )
    # What the message is about, by reference ("antrean.booking", 42): never a NIK.
    subject_type = models.CharField(_("tentang (jenis)"), max_length=50)
    subject_id = models.BigIntegerField(_("tentang (id)"))
    # Rendered when the event happens, so the message says what was true at that moment.
    title = models.CharField(_("judul"), max_length=200, blank=True)
    body_text = models.TextField(_("isi"))
    body_html = models.TextField(_("isi HTML"), blank=True)
    attachments = models.JSONField(_("lampiran"), default=list, blank=True)

    state = models.CharField(
        _("status"), max_length=10, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("percobaan"), default=0)
    last_error = models.TextField(_("galat terakhir"), blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    # When a pending row is due: its creation, or the end of a retry's backoff. The requeue
    # scan picks up rows still pending some time after this (their task message was lost).
    next_attempt_at = models.DateTimeField(_("percobaan berikutnya"), default=timezone.now)
    claimed_at = models.DateTimeField(_("diambil pekerja"), null=True, blank=True)
    sent_at = models.DateTimeField(_("terkirim pada"), null=True, blank=True)

    class Meta:
        verbose_name = _("notifikasi")
        verbose_name_plural = _("notifikasi")
        indexes = [
            # The every-minute requeue scan reads only unfinished rows.
            models.Index(
                fields=["state", "next_attempt_at"],
                name="notification_unfinished",
                condition=models.Q(state__in=["pending", "sending"]),
            ),
            # The metrics scrape counts unfinished rows by channel and finds the oldest
            # (ktpportal/metrics.py): from this index alone, without reading the rows.
            models.Index(
                fields=["channel", "state", "created_at"],
                name="notification_unsent",
                condition=models.Q(state__in=["pending", "sending"]),
            ),
            models.Index(fields=["subject_type", "subject_id"], name="notification_subject"),
        ]

    def __str__(self):
        return f"{self.kind} / {self.get_channel_display()} ({self.get_state_display()})"

    @property
    def masked_recipient(self) -> str:
        return mask_recipient(self.recipient)
