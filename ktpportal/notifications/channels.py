"""Delivery channels. Email goes through Django's mailers; SMS and WhatsApp through one
small backend interface (settings.SHORT_MESSAGE_BACKEND)."""

import json
import logging
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils.module_loading import import_string

from ktpportal.notifications.models import Channel, Notification

logger = logging.getLogger(__name__)


class DeliveryError(Exception):
    """A send that failed and may succeed if tried again later."""


class ShortMessageBackend:
    def send(self, notification: Notification) -> None:
        raise NotImplementedError


class FileShortMessageBackend(ShortMessageBackend):
    """Default: append each SMS/WhatsApp as a JSON line to a file (console when unset)."""

    def send(self, notification: Notification) -> None:
        line = json.dumps(
            {
                "key": notification.key,
                "channel": notification.channel,
                "to": notification.recipient,
                "text": notification.body_text,
            },
            ensure_ascii=False,
        )
        path = settings.SHORT_MESSAGE_FILE
        if not path:
            print(line)  # noqa: T201 - the console backend's whole purpose
            return
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8") as f:
            f.write(line + "\n")


def send_email(notification: Notification) -> None:
    message = EmailMultiAlternatives(
        subject=notification.title, body=notification.body_text, to=[notification.recipient]
    )
    if notification.body_html:
        message.attach_alternative(notification.body_html, "text/html")
    for item in notification.attachments:
        message.attach(item["filename"], item["content"], item.get("mimetype"))
    try:
        message.send()
    except OSError as exc:  # SMTP and socket errors
        raise DeliveryError(str(exc)) from exc


def deliver(notification: Notification) -> None:
    if notification.channel == Channel.EMAIL:
        send_email(notification)
    else:
        import_string(settings.SHORT_MESSAGE_BACKEND)().send(notification)
