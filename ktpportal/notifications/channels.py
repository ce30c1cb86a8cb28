"""Delivery channels. Email goes through Django's mailers; SMS and WhatsApp through one
small backend interface (settings.SHORT_MESSAGE_BACKEND).

A backend raises DeliveryError for a failure that may pass (timeout, gateway 5xx, SMTP 4xx)
and PermanentDeliveryError for one that will not (gateway 4xx, address refused): the first
is retried with backoff, the second fails the row at once. Error messages never carry the
recipient: they end up in logs and in the admin.
"""

import hashlib
import json
import smtplib
import urllib.error
import urllib.request
from email.utils import parseaddr
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils.module_loading import import_string

from ktpportal.notifications.models import Channel, Notification


class DeliveryError(Exception):
    """A send that failed and may succeed if tried again later."""


class PermanentDeliveryError(Exception):
    """A send that will fail however often it is tried (bad number, refused address)."""


class ShortMessageBackend:
    """Sends one SMS or WhatsApp text. `idempotency_key` is the same for every try of one
    message, so a gateway that honours it delivers a retried send only once."""

    def send(self, *, to: str, channel: str, text: str, idempotency_key: str) -> None:
        raise NotImplementedError


class FileShortMessageBackend(ShortMessageBackend):
    """Default: append each SMS/WhatsApp as a JSON line to a file (console when unset)."""

    def send(self, *, to: str, channel: str, text: str, idempotency_key: str) -> None:
        line = json.dumps(
            {"to": to, "channel": channel, "text": text, "idempotency_key": idempotency_key},
            ensure_ascii=False,
        )
        path = settings.SHORT_MESSAGE_FILE
        if not path:
            print(line)  # noqa: T201 - the console backend's whole purpose
            return
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8") as f:
            f.write(line + "\n")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # urllib would follow a 301/302 for a POST as a GET without the body: a gateway that
    # redirects is misconfigured, so the 3xx surfaces as an HTTPError instead.
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


# Worth another try: the gateway is down or busy, or asks us to slow down.
_TRANSIENT_HTTP = {408, 425, 429}


class HTTPGatewayBackend(ShortMessageBackend):
    """A generic SMS/WhatsApp gateway: POST JSON {"to", "channel", "text",
    "idempotency_key"} to SHORT_MESSAGE_GATEWAY_URL with a bearer token.

    Any 2xx is accepted; 5xx, 408, 425, 429, timeouts and connection errors are transient;
    any other status is permanent (the request itself is wrong).
    """

    _opener = urllib.request.build_opener(_NoRedirect)

    def send(self, *, to: str, channel: str, text: str, idempotency_key: str) -> None:
        body = json.dumps(
            {"to": to, "channel": channel, "text": text, "idempotency_key": idempotency_key},
            ensure_ascii=False,
        ).encode()
        request = urllib.request.Request(  # noqa: S310 - the URL's scheme is checked in settings
            settings.SHORT_MESSAGE_GATEWAY_URL,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Authorization": f"Bearer {settings.SHORT_MESSAGE_GATEWAY_TOKEN}",
                "Idempotency-Key": idempotency_key,
            },
        )
        try:
            with self._opener.open(request, timeout=settings.SHORT_MESSAGE_GATEWAY_TIMEOUT) as r:
                r.read()
        except urllib.error.HTTPError as exc:
            exc.close()
            message = f"gateway answered HTTP {exc.code}"
            if exc.code >= 500 or exc.code in _TRANSIENT_HTTP:
                raise DeliveryError(message) from None
            raise PermanentDeliveryError(message) from None
        except (urllib.error.URLError, OSError) as exc:  # refused, DNS, timeout, TLS
            reason = getattr(exc, "reason", exc)
            raise DeliveryError(f"gateway unreachable: {type(reason).__name__}") from None


def email_message_id(key: str) -> str:
    """The same Message-ID for every try of one message: if a crash between the SMTP
    server's acceptance and our "sent" mark makes us send it again, mail systems that
    collapse duplicates by Message-ID show it once."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "ktpportal.invalid"
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:40]}@{domain}>"


def send_email(notification: Notification) -> None:
    message = EmailMultiAlternatives(
        subject=notification.title,
        body=notification.body_text,
        to=[notification.recipient],
        headers={"Message-ID": email_message_id(notification.key)},
    )
    if notification.body_html:
        message.attach_alternative(notification.body_html, "text/html")
    for item in notification.attachments:
        message.attach(item["filename"], item["content"], item.get("mimetype"))
    try:
        message.send()
    except smtplib.SMTPRecipientsRefused as exc:
        # Raised only when every recipient is refused; its text names the address.
        codes = [code for code, _msg in exc.recipients.values()]
        if all(code >= 500 for code in codes):
            raise PermanentDeliveryError(f"SMTP refused the recipient ({codes[0]})") from None
        raise DeliveryError(f"SMTP deferred the recipient ({codes[0]})") from None
    except smtplib.SMTPDataError as exc:
        # The server read this message and refused it (too large, rejected as spam).
        error = PermanentDeliveryError if exc.smtp_code >= 500 else DeliveryError
        raise error(f"SMTP refused the message ({exc.smtp_code})") from None
    except OSError as exc:
        # Sockets, timeouts, TLS, and SMTP errors about our side (login, sender), which a
        # fixed configuration cures: retried, then failed and resent from the admin.
        raise DeliveryError(f"SMTP failed: {type(exc).__name__}") from None


def deliver(notification: Notification) -> None:
    if notification.channel == Channel.EMAIL:
        send_email(notification)
        return
    backend = import_string(settings.SHORT_MESSAGE_BACKEND)()
    backend.send(
        to=notification.recipient,
        channel=notification.channel,
        text=notification.body_text,
        idempotency_key=notification.key,
    )
