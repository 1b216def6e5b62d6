"""A retried webhook (same MessageSid) never produces a second reply."""

from __future__ import annotations

import threading
from datetime import timedelta

import requests
from sqlalchemy import update
from werkzeug.serving import make_server

from bot.conversations.models import Message
from bot.db import utcnow
from tests.conftest import post_twilio, sign, twilio_form
from tests.test_webhook_message import PATH, replies, rows


def test_retry_gets_the_same_twiml_and_rasa_is_called_once(client, app, rasa):
    form = twilio_form("whatsapp_text")
    first = post_twilio(client, PATH, form)
    rasa.replies = [{"text": "a different answer"}]
    second = post_twilio(client, PATH, form)
    assert second.status_code == 200
    assert second.get_data() == first.get_data()
    assert len(rasa.calls) == 1
    assert len(rows(app, Message, Message.direction == "in")) == 1
    assert len(rows(app, Message, Message.direction == "out")) == 1


def test_concurrent_copies_answered_once(app, rasa):
    """Eight copies at the same moment through a real threaded HTTP server."""
    rasa.delay = 0.5  # the first delivery is still with Rasa when the copies arrive
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}{PATH}"
    form = twilio_form("sms_text")
    headers = {"X-Twilio-Signature": sign(PATH, form)}
    barrier = threading.Barrier(8)
    results = []

    def deliver():
        barrier.wait()
        response = requests.post(url, data=form, headers=headers, timeout=20)
        results.append((response.status_code, response.text))

    threads = [threading.Thread(target=deliver) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    server.shutdown()

    assert {status for status, _ in results} == {200}
    assert len({body for _, body in results}) == 1, "every copy gets the first TwiML"
    assert "Hello from the bot" in results[0][1]
    assert len(rasa.calls) == 1
    assert len(rows(app, Message, Message.direction == "in")) == 1
    assert len(rows(app, Message, Message.direction == "out")) == 1


def test_abandoned_delivery_is_taken_over_by_the_retry(client, app, rasa):
    """The first delivery's worker died after storing: the retry answers it."""
    form = twilio_form("sms_text")
    rasa.mode = "error"
    post_twilio(client, PATH, form)
    with app.extensions["mrc"].db.session() as s:  # make it look unfinished and stale
        s.execute(update(Message).where(Message.direction == "in").values(
            reply_twiml=None, status="received", lease_until=utcnow() - timedelta(seconds=1)))
    rasa.mode = "ok"
    retry = post_twilio(client, PATH, form)
    assert replies(retry)[0] == "Hello from the bot"
    (inbound,) = rows(app, Message, Message.direction == "in")
    assert inbound.status == "replied"


def test_unfinished_delivery_within_its_lease_gets_an_empty_reply(app_factory, rasa):
    app = app_factory(rasa.url, duplicate_wait=0.3)
    client = app.test_client()
    form = twilio_form("sms_text")
    post_twilio(client, PATH, form)
    with app.extensions["mrc"].db.session() as s:  # first delivery still running
        s.execute(update(Message).where(Message.direction == "in").values(
            reply_twiml=None, lease_until=utcnow() + timedelta(seconds=60)))
    retry = post_twilio(client, PATH, form)
    assert retry.status_code == 200
    assert replies(retry) == []
    assert len(rasa.calls) == 1

