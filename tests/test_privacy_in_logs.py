"""No phone number or message body reaches the logs of a whole exchange."""

from __future__ import annotations

import logging

import pytest

from bot.logs import RedactingFilter, redact
from tests.conftest import fresh_sid, post_twilio, twilio_form
from tests.test_webhook_message import PATH


def test_full_exchange_logs_no_number_or_body(app_factory, rasa, caplog):
    caplog.set_level(logging.DEBUG)
    rasa.mode = "error"  # the failure paths log the most
    app = app_factory(rasa.url)
    client = app.test_client()
    form = twilio_form("whatsapp_text", Body="my passport number is AB1234567")
    post_twilio(client, PATH, form)
    post_twilio(client, PATH, form)  # duplicate
    post_twilio(client, PATH, fresh_sid(form), "invalid")
    post_twilio(client, PATH, twilio_form("sms_unknown_number"))
    assert caplog.records, "the exchange should have logged something"
    text = caplog.text
    for secret in ("447700900125", "447700900132", "passport", "AB1234567"):
        assert secret not in text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("from +447700900123 ok", "from [number] ok"),
        ("whatsapp:+923001234567", "[number]"),
        ("call 0300 1234567", "call [number]"),
        ("sid SM0a1b2c3d4e5f60718293a4b5c6d7e8f9", "sid SM0a1b2c3d4e5f60718293a4b5c6d7e8f9"),
        ("conversation 5f3c1e0b8a9d4c2e", "conversation 5f3c1e0b8a9d4c2e"),
        ("GET /status?token=abc123&x=1", "GET /status?token=[redacted]&x=1"),
    ],
    ids=["e164", "whatsapp", "local", "message-sid", "conversation-id", "token"],
)
def test_redact(raw, expected):
    assert redact(raw) == expected


def test_filter_redacts_arguments(caplog):
    logger = logging.getLogger("tests.redaction")
    logger.addFilter(RedactingFilter())
    with caplog.at_level(logging.INFO):
        logger.info("message from %s", "+447700900123")
    assert "[number]" in caplog.text and "900123" not in caplog.text


def test_console_work_and_the_migrants_commands_log_no_number_or_body(app, rasa, caplog):
    """Claim, reply, note, hand back, STOP/START, DELETE and erasure: ids only in logs."""
    from bot.queue.models import Escalation
    from tests.test_console import HANDOFF, post, signed_in
    from tests.test_webhook_message import rows

    caplog.set_level(logging.DEBUG)
    client = app.test_client()
    form = twilio_form("whatsapp_text", Body="my passport number is AB1234567")
    rasa.replies = HANDOFF
    post_twilio(client, PATH, form)
    (case,) = rows(app, Escalation)
    browser = signed_in(app, "amina")
    post(browser, f"/console/cases/{case.id}/claim")
    post(browser, f"/console/conversations/{case.conversation_id}/reply",
         text="your employer Qadir Transport is not licensed")
    post(browser, f"/console/conversations/{case.conversation_id}/notes", body="Qadir again")
    post(browser, f"/console/cases/{case.id}/hand-back")
    for body in ("STOP", "START", "DELETE", "1"):
        post_twilio(client, PATH, fresh_sid(form) | {"Body": body})
    assert caplog.records
    for secret in ("447700900125", "passport", "AB1234567", "Qadir"):
        assert secret not in caplog.text
