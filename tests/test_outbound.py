"""Sending outside a webhook reply: sandbox records, a real account goes through Twilio."""

from __future__ import annotations

import json

import pytest
from twilio.http.response import Response

from bot.channels.sender import TwilioSender
from bot.conversations.models import Conversation, Message
from bot.conversations.outbound import send_text
from tests.conftest import post_twilio, twilio_form
from tests.test_webhook_message import PATH, rows


class RecordingTwilioHttp:
    """Stands in for twilio-python's HTTP client: records requests, answers as Twilio."""

    def __init__(self, status=201, body=None):
        self.requests = []
        self.status = status
        self.body = body or {"sid": "SMf0000000000000000000000000000001", "status": "queued"}

    def request(self, method, url, params=None, data=None, headers=None, auth=None,
                timeout=None, allow_redirects=False):
        self.requests.append({"method": method, "url": url, "data": data})
        return Response(self.status, json.dumps(self.body))


def started_conversation(client, app) -> Conversation:
    post_twilio(client, PATH, twilio_form("whatsapp_text"))
    (conversation,) = rows(app, Conversation)
    return conversation


def test_sandbox_records_instead_of_sending(app, client):
    conversation = started_conversation(client, app)
    result = app.test_cli_runner().invoke(args=["send", conversation.id, "Hello from MRC"])
    assert result.exit_code == 0, result.output
    assert "sandbox" in result.output
    sent = rows(app, Message, Message.author == "counsellor")
    assert [(m.body, m.status) for m in sent] == [("Hello from MRC", "sandbox")]
    assert sent[0].provider_sid.startswith("SB")


def test_send_to_unknown_conversation_is_a_clear_error(app):
    result = app.test_cli_runner().invoke(args=["send", "nope", "hi"])
    assert result.exit_code != 0
    assert "no conversation nope" in result.output


def test_twilio_sender_posts_message_with_status_callback(app, client):
    conversation = started_conversation(client, app)
    http = RecordingTwilioHttp()
    services = app.extensions["mrc"]
    services.sender = TwilioSender("AC" + "1" * 32, "token", http_client=http)
    (part,) = send_text(services, conversation.id, "Your appointment is confirmed", "counsellor")
    (request,) = http.requests
    assert request["method"] == "POST" and request["url"].endswith("/Messages.json")
    assert request["data"]["To"] == "whatsapp:+447700900125"
    assert request["data"]["From"] == "whatsapp:+12025550102"
    assert request["data"]["Body"] == "Your appointment is confirmed"
    assert request["data"]["StatusCallback"] == services.status_url(part.id)
    (stored,) = rows(app, Message, Message.author == "counsellor")
    assert (stored.provider_sid, stored.status) == ("SMf0000000000000000000000000000001",
                                                     "queued")


@pytest.mark.parametrize(
    ("status", "code"),
    [(400, 21610), (400, 63016), (429, 20429), (500, None)],
    ids=["stopped", "outside-whatsapp-window", "rate-limited", "server-error"],
)
def test_failed_send_is_marked_failed_with_code(app, client, status, code):
    conversation = started_conversation(client, app)
    http = RecordingTwilioHttp(status, {"code": code, "message": "refused", "status": status})
    services = app.extensions["mrc"]
    services.sender = TwilioSender("AC" + "1" * 32, "token", http_client=http)
    send_text(services, conversation.id, "hello", "counsellor")
    (stored,) = rows(app, Message, Message.author == "counsellor")
    assert (stored.status, stored.error_code) == ("failed", code)

