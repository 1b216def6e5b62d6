"""The migrant's own commands through the signed webhook, on SQLite and PostgreSQL:
STOP / START / HELP (opt-out as Twilio does it, mirrored on WhatsApp, in the
migrant's language) and DELETE with its numbered confirmation, which erases the
person from the gateway's database and from Rasa's tracker store."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from bot.conversations.consent import Keywords, normalise
from bot.conversations.models import Contact, Conversation, Message
from bot.conversations.outbound import OptedOut, send_text
from bot.queue.models import Escalation, Note
from bot.texts import (
    ERASED,
    ERASURE_CANCELLED,
    ERASURE_QUESTION,
    HELP_REPLY,
    OPTED_IN,
    OPTED_OUT,
    GatewayTexts,
)
from tests.conftest import ROOT, fresh_sid, post_twilio, twilio_form
from tests.test_webhook_message import PATH, replies, rows

TEXTS = GatewayTexts.load(ROOT / "flows")
KEYWORDS = Keywords.load(ROOT / "flows")


@pytest.mark.parametrize(("message", "command"), [
    ("STOP", "stop"), ("stop", "stop"), (" Stop! ", "stop"), ("unsubscribe", "stop"),
    ("band karo", "stop"), ("بند کرو", "stop"), ("Стоп", "stop"), ("to‘xtat", "stop"),
    ("START", "start"), ("yes", "start"), ("старт", "start"),
    ("HELP", "help"), ("info", "help"), ("madad", None), ("помощь", None),
    ("DELETE", "delete"), ("delete karo", "delete"), ("удалить", "delete"), ("o'chirish", "delete"),
    ("please stop sending", None), ("stop the agent from taking my passport", None),
    ("", None), ("x" * 500, None),
], ids=lambda v: repr(v)[:20])
def test_only_a_whole_message_is_a_command(message, command):
    assert KEYWORDS.command(message) == command


def test_every_keyword_normalises_to_itself():
    assert normalise("  O‘CHIRISH ") == "o'chirish"


def say(app, body, form="sms_text"):
    response = post_twilio(app.test_client(), PATH, fresh_sid(twilio_form(form)) | {"Body": body})
    assert response.status_code == 200
    return replies(response)


def language(app):
    return rows(app, Conversation)[0].language


def centre_name(app):
    services = app.extensions["mrc"]
    return services.centres.get(rows(app, Conversation)[0].centre).name


@pytest.mark.parametrize(("form", "word", "confirms"), [
    ("sms_text", "STOP", False),       # Twilio confirms its own keyword on SMS
    ("whatsapp_text", "STOP", True),   # WhatsApp: Twilio does nothing, we confirm
    ("sms_text", "band karo", True),   # a localised word Twilio does not know
], ids=["sms-standard", "whatsapp", "sms-localised"])
def test_stop_opts_out_and_silences_everyone(app, rasa, form, word, confirms):
    assert say(app, "hello", form) == ["Hello from the bot"]
    answer = say(app, word, form)
    expected = [TEXTS.get(OPTED_OUT, language(app), centre=centre_name(app))]
    assert answer == (expected if confirms else [])
    assert rows(app, Contact)[0].opted_out_on is not None
    calls = len(rasa.calls)
    assert say(app, "are you there", form) == [], "no reply after STOP"
    assert len(rasa.calls) == calls, "the bot is not asked either"
    assert rows(app, Message, Message.body == "are you there"), "but the message is kept"
    with pytest.raises(OptedOut):
        send_text(app.extensions["mrc"], rows(app, Conversation)[0].id, "hi", "counsellor")


def test_start_opts_in_again(app, rasa):
    say(app, "STOP")
    assert say(app, "START") == [TEXTS.get(OPTED_IN, language(app), centre=centre_name(app))]
    assert rows(app, Contact)[0].opted_out_on is None
    assert say(app, "hello") == ["Hello from the bot"]


def test_yes_is_an_answer_unless_opted_out(app, rasa):
    assert say(app, "yes") == ["Hello from the bot"]
    assert rasa.calls[-1]["message"] == "yes"


def test_help_gives_the_centres_contacts_without_the_bot(app, rasa):
    (answer,) = say(app, "HELP")
    services = app.extensions["mrc"]
    centre = services.centres.get(rows(app, Conversation)[0].centre)
    assert answer == TEXTS.get(HELP_REPLY, language(app), centre=centre.name) + "\n" + \
        centre.contacts_lines()
    assert "(EXAMPLE)" in answer and rasa.calls == []


def _tracker(tmp_path, conversation_ids):
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, "
                          "type_name TEXT, data TEXT)"))
        for cid in conversation_ids:
            conn.execute(text("INSERT INTO events (sender_id, type_name, data) VALUES "
                              "(:s, 'user', '{}')"), {"s": cid})
    return url, engine


def _events(engine):
    with engine.connect() as conn:
        return [r[0] for r in conn.execute(text("SELECT sender_id FROM events"))]


@pytest.fixture
def erasable(app_factory, rasa, tmp_path):
    """An app whose tracker store holds events of this migrant and of someone else."""
    app = app_factory(rasa.url)
    say(app, "hello")
    say(app, "my photo", "whatsapp_text")  # a second conversation, another person
    mine = rows(app, Conversation, Conversation.channel == "sms")[0].id
    url, engine = _tracker(tmp_path, [mine, mine, "someone-else"])
    same_database = app.extensions["mrc"].config.database_url
    app = app_factory(rasa.url, tracker_db_url=url, database_url=same_database)
    return app, engine


def test_delete_then_1_erases_the_person_everywhere(erasable, rasa):
    app, tracker = erasable
    with app.extensions["mrc"].db.session() as s:
        conversation = s.query(Conversation).filter_by(channel="sms").one()
        s.add(Note(conversation_id=conversation.id, body="private"))
    rasa.replies = [{"custom": {"handoff": {"priority": "high", "reason": "migrant_request"}}}]
    say(app, "counsellor please")  # an open case
    question = say(app, "DELETE")
    assert question[0].startswith(TEXTS.get(ERASURE_QUESTION, "en"))
    assert question[0].endswith("2. " + TEXTS.get("erasure_no", "en"))
    assert say(app, "1") == [TEXTS.get(ERASED, "en")]
    assert [c.channel for c in rows(app, Conversation)] == ["whatsapp"], "only the other person"
    assert len(rows(app, Contact)) == 1
    assert all(m.body not in ("hello", "DELETE", "1", "counsellor please")
               for m in rows(app, Message))
    assert rows(app, Note) == [] and rows(app, Escalation) == []
    assert _events(tracker) == ["someone-else"]


def test_delete_then_2_keeps_everything(erasable, rasa):
    app, tracker = erasable
    say(app, "DELETE")
    assert say(app, "2") == [TEXTS.get(ERASURE_CANCELLED, "en")]
    assert len(rows(app, Contact)) == 2 and len(_events(tracker)) == 3
    assert say(app, "1") == ["Hello from the bot"], "the menu is gone: 1 goes to the bot"


def test_the_bots_erasure_intent_asks_the_same_question(app, rasa):
    rasa.replies = [{"custom": {"erasure": True}}]
    (question,) = say(app, "please remove all my information")
    assert question.startswith(TEXTS.get(ERASURE_QUESTION, "en"))
    assert rows(app, Conversation)[0].choices == ["erase:yes", "erase:no"]


def test_erasure_with_the_tracker_store_down_keeps_everything_and_asks_a_human(
        app_factory, rasa):
    app = app_factory(rasa.url,
                      tracker_db_url="postgresql+psycopg://nobody@127.0.0.1:9/none")
    say(app, "DELETE")
    answer = say(app, "1")
    assert answer == [TEXTS.get("holding_reply", "en")]
    assert len(rows(app, Contact)) == 1
    (case,) = rows(app, Escalation)
    assert (case.reason, case.priority) == ("erasure_failed", "high")


def test_delete_works_while_a_counsellor_holds_the_chat(app, rasa, tmp_path):
    rasa.replies = [{"custom": {"handoff": {"priority": "normal", "reason": "migrant_request"}}}]
    say(app, "counsellor")
    assert rows(app, Conversation)[0].bot_paused
    assert say(app, "DELETE")[0].startswith(TEXTS.get(ERASURE_QUESTION, "en"))
