"""Rasa down, slow or broken: the migrant still gets an answer and a counsellor is called."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.conversations.models import Conversation, Message
from bot.queue.models import Escalation
from tests.conftest import free_port, fresh_sid, post_twilio, twilio_form
from tests.test_webhook_message import PATH, replies, rows

HOLDING = {
    "en": "The assistant cannot answer right now",
    "ur": "اس وقت خودکار معاون جواب نہیں دے سکتا",
}


@pytest.mark.parametrize(
    ("mode", "delay"),
    [("down", 0), ("slow", 1.5), ("error", 0), ("garbage", 0), ("empty", 0)],
    ids=["down", "slow", "http-500", "not-json", "no-messages"],
)
@pytest.mark.parametrize(("body", "language"), [("sms_text", "en"), ("sms_urdu", "ur")],
                         ids=["english", "urdu"])
def test_holding_reply_in_language_and_escalation(app_factory, rasa, mode, delay, body,
                                                  language):
    rasa.mode, rasa.delay = mode, delay
    url = f"http://127.0.0.1:{free_port()}" if mode == "down" else rasa.url
    app = app_factory(url, rasa_timeout=1.0)
    response = post_twilio(app.test_client(), PATH, twilio_form(body))

    assert response.status_code == 200
    (reply,) = replies(response)
    assert HOLDING[language] in reply
    (escalation,) = rows(app, Escalation)
    assert (escalation.reason, escalation.status) == ("bot_unavailable", "waiting")
    (inbound,) = rows(app, Message, Message.direction == "in")
    assert inbound.status == "replied"
    (conversation,) = rows(app, Conversation)
    assert conversation.language == language
    assert not conversation.bot_paused, "the bot takes over again once Rasa is back"


def test_second_failure_raises_no_second_escalation_and_recovery_answers(app_factory, rasa):
    rasa.mode = "error"
    app = app_factory(rasa.url)
    client = app.test_client()
    form = twilio_form("sms_text")
    post_twilio(client, PATH, form)
    post_twilio(client, PATH, fresh_sid(form))
    assert len(rows(app, Escalation)) == 1

    rasa.mode = "ok"
    response = post_twilio(client, PATH, fresh_sid(form))
    assert replies(response) == ["Hello from the bot"]


def test_slow_rasa_reply_is_bounded_by_the_timeout(app_factory, rasa):
    import time

    rasa.mode, rasa.delay = "slow", 3.0
    app = app_factory(rasa.url, rasa_timeout=0.5)
    started = time.monotonic()
    response = post_twilio(app.test_client(), PATH, twilio_form("sms_text"))
    assert time.monotonic() - started < 2.5
    assert response.status_code == 200


def test_unexpected_error_after_storing_still_answers(app, client, monkeypatch):
    reception = app.extensions["mrc"].reception

    def broken(*_args, **_kwargs):
        raise KeyError("bug")

    monkeypatch.setattr(reception, "_ask_bot", broken)
    response = post_twilio(client, PATH, twilio_form("sms_text"))
    assert response.status_code == 200
    assert HOLDING["en"] in replies(response)[0]
    with app.extensions["mrc"].db.session() as s:
        assert s.scalar(select(Escalation.reason)) == "bot_unavailable"
