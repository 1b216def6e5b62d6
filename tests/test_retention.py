"""Retention (`flask --app webhook purge --older-than 180d`), on SQLite and PostgreSQL:
old closed conversations lose what was said, recent or open ones keep everything."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from bot.conversations.models import Contact, Conversation, Message
from bot.db import utcnow
from bot.queue.models import Escalation, Note
from tests.conftest import fresh_sid, post_twilio, twilio_form
from tests.test_consent import _events, _tracker
from tests.test_webhook_message import PATH, rows


def write(app, form, body="hello"):
    post_twilio(app.test_client(), PATH, fresh_sid(twilio_form(form)) | {"Body": body})


def age(app, channel, days):
    with app.extensions["mrc"].db.session() as s:
        s.execute(update(Conversation).where(Conversation.channel == channel)
                  .values(last_activity_on=utcnow() - timedelta(days=days)))


@pytest.fixture
def archive(app_factory, rasa, tmp_path):
    """Three people: an old closed chat (SMS), an old chat with an open case
    (WhatsApp), and an old SMS person who also wrote recently on another centre."""
    app = app_factory(rasa.url)
    write(app, "sms_text", "my private story")
    write(app, "whatsapp_image")  # media: an open case
    (sms,) = rows(app, Conversation, Conversation.channel == "sms")
    with app.extensions["mrc"].db.session() as s:
        s.add(Note(conversation_id=sms.id, body="called back"))
    age(app, "sms", 200)
    age(app, "whatsapp", 200)
    url, engine = _tracker(tmp_path, [sms.id, rows(app, Conversation,
                                                   Conversation.channel == "whatsapp")[0].id])
    same = app.extensions["mrc"].config.database_url
    return app_factory(rasa.url, tracker_db_url=url, database_url=same), engine, sms.id


@pytest.mark.parametrize("batch", [1, 5000], ids=["one-per-statement", "default"])
def test_purge_empties_old_closed_conversations_only(archive, monkeypatch, batch):
    from bot.conversations import retention

    monkeypatch.setattr(retention, "BATCH", batch)
    app, tracker, purged_id = archive
    result = app.test_cli_runner().invoke(args=["purge", "--older-than", "180d"])
    assert result.exit_code == 0, result.output
    assert "purged 1 conversation(s)" in result.output and "1 person(s) anonymised" in result.output
    old = rows(app, Message, Message.conversation_id == purged_id)
    assert old and all(m.body is None and m.reply_twiml is None for m in old)
    assert {m.direction for m in old} == {"in", "out"}, "the counts stay"
    assert rows(app, Note) == []
    kept = rows(app, Message, Message.conversation_id != purged_id, Message.direction == "in")
    assert kept[0].media, "a conversation with an open case keeps everything"
    assert len(_events(tracker)) == 1
    contacts = {c.phone_hash.startswith("purged:") for c in rows(app, Contact)}
    assert contacts == {True, False}
    assert len(rows(app, Escalation)) == 1


def test_purge_is_idempotent_and_keeps_recent_conversations(archive):
    app, tracker, _ = archive
    runner = app.test_cli_runner()
    runner.invoke(args=["purge", "--older-than", "180d"])
    again = runner.invoke(args=["purge", "--older-than", "180d"])
    assert again.output.startswith("purged 0 conversation(s)")
    nothing = runner.invoke(args=["purge", "--older-than", "365d"])
    assert "purged 0 conversation(s)" in nothing.output


def test_a_person_who_writes_again_after_a_purge_starts_afresh(archive):
    app, _, purged_id = archive
    app.test_cli_runner().invoke(args=["purge", "--older-than", "180d"])
    write(app, "sms_text", "I am back")
    (new,) = rows(app, Conversation, Conversation.channel == "sms", Conversation.id != purged_id)
    assert [m.body for m in rows(app, Message, Message.conversation_id == new.id,
                                 Message.direction == "in")] == ["I am back"]


@pytest.mark.parametrize("age_text", ["180", "d", "0d", "-5d", "six months"])
def test_purge_needs_an_age_in_days(app, age_text):
    result = app.test_cli_runner().invoke(args=["purge", "--older-than", age_text])
    assert result.exit_code != 0 and "in days" in result.output


def test_a_purged_conversation_that_comes_alive_is_purged_again_later(archive):
    app, _, purged_id = archive
    lahore = {"To": app.extensions["mrc"].centres.number_of("PK-LHE", "sms")}
    client = app.test_client()
    post_twilio(client, PATH, fresh_sid(twilio_form("sms_text", **lahore)) | {"Body": "hi"})
    runner = app.test_cli_runner()
    runner.invoke(args=["purge", "--older-than", "180d"])  # the person stays: active in Lahore
    write(app, "sms_text", "back in Islamabad")  # the purged conversation again
    assert any(m.body == "back in Islamabad"
               for m in rows(app, Message, Message.conversation_id == purged_id))
    with app.extensions["mrc"].db.session() as s:
        s.execute(update(Conversation).where(Conversation.id == purged_id)
                  .values(last_activity_on=utcnow() - timedelta(days=400)))
    again = runner.invoke(args=["purge", "--older-than", "180d"])
    assert again.output.startswith("purged 1 conversation(s)")
    assert all(m.body is None for m in rows(app, Message, Message.conversation_id == purged_id))
