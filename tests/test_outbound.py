"""Sending outside a webhook reply: sandbox records, a real account goes through Twilio."""

from __future__ import annotations

import json

import pytest
from twilio.http.response import Response

from bot.channels.sender import TwilioSender
from bot.conversations.models import Conversation, Message
from bot.conversations.outbound import NoTemplate, send_template, send_text
from tests.conftest import post_twilio, twilio_form
from tests.test_webhook_message import PATH, rows


class RecordingTwilioHttp:
    """Stands in for twilio-python's HTTP client: records requests, answers as Twilio."""

    def __init__(self, status=201, body=None, then=()):
        self.requests = []
        self.answers = [(status, body or SENT), *then]  # the last answer repeats

    def request(self, method, url, params=None, data=None, headers=None, auth=None,
                timeout=None, allow_redirects=False):
        self.requests.append({"method": method, "url": url, "data": data})
        status, body = self.answers[min(len(self.requests), len(self.answers)) - 1]
        return Response(status, json.dumps(body))


SENT = {"sid": "SMf0000000000000000000000000000001", "status": "queued"}


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
    ("status", "code", "attempts"),
    [(400, 21610, 1), (400, 63016, 1), (429, 20429, 4), (500, None, 4), (503, None, 4)],
    ids=["stopped", "outside-whatsapp-window", "rate-limited", "server-error", "unavailable"],
)
def test_failed_send_is_retried_if_worth_it_then_marked_failed(app, client, status, code,
                                                               attempts):
    conversation = started_conversation(client, app)
    http = RecordingTwilioHttp(status, {"code": code, "message": "refused", "status": status})
    services = app.extensions["mrc"]
    waits = []
    services.sender = TwilioSender("AC" + "1" * 32, "token", http_client=http,
                                   sleep=waits.append)
    send_text(services, conversation.id, "hello", "counsellor")
    (stored,) = rows(app, Message, Message.author == "counsellor")
    assert (stored.status, stored.error_code) == ("failed", code)
    assert len(http.requests) == attempts
    # exponential backoff with jitter: 0.5-1 s, 1-2 s, 2-4 s
    assert all(0.5 * 2 ** i <= w <= 2 * 0.5 * 2 ** i for i, w in enumerate(waits))
    assert len(waits) == attempts - 1


def test_a_send_that_succeeds_on_retry_is_stored_once(app, client):
    conversation = started_conversation(client, app)
    http = RecordingTwilioHttp(503, {"code": None, "message": "busy", "status": 503},
                               then=[(201, SENT)])
    services = app.extensions["mrc"]
    services.sender = TwilioSender("AC" + "1" * 32, "token", http_client=http,
                                   sleep=lambda _: None)
    send_text(services, conversation.id, "hello", "counsellor")
    assert len(http.requests) == 2
    (stored,) = rows(app, Message, Message.author == "counsellor")
    assert (stored.status, stored.provider_sid) == ("queued", SENT["sid"])


def test_twilio_sender_posts_the_whatsapp_template(app, client):
    conversation = started_conversation(client, app)
    http = RecordingTwilioHttp()
    services = app.extensions["mrc"]
    services.sender = TwilioSender("AC" + "1" * 32, "token", http_client=http)
    services.config = services.config.replace(whatsapp_template_sid="HX" + "0" * 32)
    (part,) = send_template(services, conversation.id, "counsellor")
    (request,) = http.requests
    assert request["data"]["ContentSid"] == "HX" + "0" * 32
    assert json.loads(request["data"]["ContentVariables"]) == {
        "1": services.centres.get(conversation.centre).name}
    assert "Body" not in request["data"]
    assert request["data"]["StatusCallback"] == services.status_url(part.id)


def test_no_template_configured_is_a_clear_error(app, client):
    conversation = started_conversation(client, app)
    services = app.extensions["mrc"]
    services.sender = TwilioSender("AC" + "1" * 32, "token", http_client=RecordingTwilioHttp())
    with pytest.raises(NoTemplate):
        send_template(services, conversation.id, "counsellor")

