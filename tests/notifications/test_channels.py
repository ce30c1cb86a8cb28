"""The channels: the HTTP gateway backend against a local server, and email."""

import socket

import pytest
from django.core import mail

from ktpportal.notifications.channels import (
    DeliveryError,
    HTTPGatewayBackend,
    PermanentDeliveryError,
    deliver,
    email_message_id,
)
from ktpportal.notifications.models import Channel, Notification

PHONE = "081234567890"


def _send(**overrides):
    message = {
        "to": PHONE,
        "channel": "whatsapp",
        "text": "Besok 09.00 WIT: antrean Dukcapil ABCD-EFGH-JKMN.",
        "idempotency_key": "booking:7:reminder-day-before:whatsapp",
        **overrides,
    }
    HTTPGatewayBackend().send(**message)


def test_gateway_gets_json_with_the_token_and_the_idempotency_key(gateway, gateway_settings):
    _send()

    [request] = gateway.requests
    assert request["headers"]["Authorization"] == "Bearer rahasia-uji"
    assert request["headers"]["Idempotency-Key"] == "booking:7:reminder-day-before:whatsapp"
    assert request["body"] == {
        "to": PHONE,
        "channel": "whatsapp",
        "text": "Besok 09.00 WIT: antrean Dukcapil ABCD-EFGH-JKMN.",
        "idempotency_key": "booking:7:reminder-day-before:whatsapp",
    }


@pytest.mark.parametrize("status", [500, 502, 503, 429, 408])
def test_gateway_busy_or_down_is_transient(gateway, gateway_settings, status):
    gateway.script[PHONE] = [status]
    with pytest.raises(DeliveryError, match=str(status)):
        _send()


@pytest.mark.parametrize("status", [400, 401, 404, 422, 302])
def test_gateway_refusal_is_permanent(gateway, gateway_settings, status):
    gateway.script[PHONE] = [status]
    with pytest.raises(PermanentDeliveryError, match=str(status)):
        _send()


def test_gateway_unreachable_is_transient(gateway_settings):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    gateway_settings.SHORT_MESSAGE_GATEWAY_URL = f"http://127.0.0.1:{port}/send"
    with pytest.raises(DeliveryError, match="unreachable"):
        _send()


def test_gateway_that_never_answers_times_out_as_transient(gateway_settings):
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()  # connections are accepted by the kernel, never answered
        gateway_settings.SHORT_MESSAGE_GATEWAY_URL = (
            f"http://127.0.0.1:{silent.getsockname()[1]}/send"
        )
        gateway_settings.SHORT_MESSAGE_GATEWAY_TIMEOUT = 1
        with pytest.raises(DeliveryError, match="unreachable"):
            _send()


def test_email_goes_through_django_mail_with_a_stable_message_id(mailoutbox, settings):
    settings.DEFAULT_FROM_EMAIL = "Dukcapil <noreply@dukcapil.example.go.id>"
    notification = Notification(
        key="booking:9:confirmed:email",
        kind="booking_confirmed",
        channel=Channel.EMAIL,
        recipient="siti@example.org",
        title="Antrean Dukcapil",
        body_text="Teks",
        body_html="<p>Teks</p>",
        attachments=[
            {"filename": "kunjungan.ics", "content": "BEGIN:VCALENDAR", "mimetype": "text/calendar"}
        ],
    )

    deliver(notification)
    deliver(notification)

    first, second = mail.outbox
    assert first.to == ["siti@example.org"]
    assert first.extra_headers["Message-ID"] == second.extra_headers["Message-ID"]
    assert first.extra_headers["Message-ID"].endswith("@dukcapil.example.go.id>")
    assert email_message_id("booking:10:confirmed:email") != first.extra_headers["Message-ID"]
    assert first.alternatives[0].content == "<p>Teks</p>"
    assert first.attachments[0].filename == "kunjungan.ics"
