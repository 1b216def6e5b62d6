"""POST /webhooks/twilio/status: delivery status of what we sent."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest

from bot.conversations.models import Message
from tests.conftest import post_twilio, twilio_form
from tests.test_webhook_message import PATH as MESSAGE_PATH
from tests.test_webhook_message import rows

PATH = "/webhooks/twilio/status"


def reply_status_path(client) -> str:
    """Answer one message; return the status callback path (with ?part=) of the reply."""
    response = post_twilio(client, MESSAGE_PATH, twilio_form("sms_text"))
    action = next(ET.fromstring(response.get_data(as_text=True)).iter("Message")).get("action")
    url = urlsplit(action)
    return f"{url.path}?{url.query}"


def outbound(app) -> Message:
    (message,) = rows(app, Message, Message.direction == "out")
    return message


@pytest.mark.parametrize(
    ("sequence", "final_status", "error_code"),
    [
        (["status_sent", "status_delivered"], "delivered", None),
        (["status_delivered", "status_sent"], "delivered", None),  # late "sent" ignored
        (["status_sent", "status_undelivered"], "failed", 30003),
        (["status_delivered", "status_whatsapp_read"], "read", None),
    ],
    ids=["sent-delivered", "out-of-order", "undelivered", "whatsapp-read"],
)
def test_status_sequence(client, app, sequence, final_status, error_code):
    path = reply_status_path(client)
    for name in sequence:
        assert post_twilio(client, path, twilio_form(name)).status_code == 204
    message = outbound(app)
    assert (message.status, message.error_code) == (final_status, error_code)
    assert message.provider_sid == twilio_form(sequence[0])["MessageSid"]


@pytest.mark.parametrize(
    ("signature", "status"),
    [("valid", 204), ("invalid", 403), ("missing", 403)],
    ids=["valid", "invalid", "missing"],
)
def test_status_signature(client, app, signature, status):
    path = reply_status_path(client)
    response = post_twilio(client, path, twilio_form("status_delivered"), signature)
    assert response.status_code == status
    assert outbound(app).status == ("delivered" if status == 204 else "queued")


def test_unknown_message_sid_is_accepted_and_logged(client, app, caplog):
    caplog.set_level("INFO")
    response = post_twilio(client, PATH, twilio_form("status_delivered"))
    assert response.status_code == 204
    assert "unknown message SMd0000000000000000000000000000001" in caplog.text


def test_part_id_cannot_relink_a_message_that_has_a_sid(client, app):
    path = reply_status_path(client)
    post_twilio(client, path, twilio_form("status_sent"))
    other = twilio_form("status_delivered", MessageSid="SMe" + "0" * 31)
    post_twilio(client, path, other)
    message = outbound(app)
    assert (message.provider_sid, message.status) == (twilio_form("status_sent")["MessageSid"],
                                                      "sent")


@pytest.mark.parametrize("missing", ["MessageSid", "MessageStatus"])
def test_status_without_required_fields_is_400(client, missing):
    form = twilio_form("status_delivered", **{missing: None})
    assert post_twilio(client, PATH, form).status_code == 400
