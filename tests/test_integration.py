"""The real thing: a Rasa server and action server on the trained model, messages in
through the signed webhook, replies checked."""

from __future__ import annotations

import pytest

from bot.conversations.models import Conversation
from bot.queue.models import Escalation
from scripts.stack import MODEL, Stack
from tests.conftest import free_port, fresh_sid, post_twilio, twilio_form
from tests.test_webhook_message import PATH, replies, rows

pytestmark = pytest.mark.integration
TOKEN = "integration-token"
MENU = "What would you like to do?\n1. Talk to a counsellor"


@pytest.fixture(scope="session")
def dialogue(tmp_path_factory):
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: `make test` trains it")
    tmp = tmp_path_factory.mktemp("rasa")
    stack = Stack(rasa_port=free_port(), actions_port=free_port(), rasa_token=TOKEN,
                  tracker_db_url=f"sqlite:///{tmp / 'tracker.db'}", log_dir=tmp / "logs")
    stack.start_actions()
    stack.start_rasa()
    try:
        stack.wait_dialogue()
    except RuntimeError:
        stack.stop()
        for log in sorted((tmp / "logs").glob("*.log")):
            print(f"--- {log.name}\n{log.read_text(errors='replace')[-3000:]}")
        raise
    yield stack
    stack.stop()


@pytest.fixture
def live(app_factory, dialogue):
    return app_factory(dialogue.rasa_url, rasa_token=TOKEN, rasa_timeout=8.0)


def test_greeting_gets_welcome_and_numbered_menu(live):
    response = post_twilio(live.test_client(), PATH, twilio_form("whatsapp_text", Body="hello"))
    assert replies(response) == [
        "Hello! This is the Migrant Resource Centre assistant. I can connect you with a "
        "counsellor for questions about safe and regular migration.",
        MENU,
    ]


def test_menu_digit_on_sms_reaches_a_counsellor_and_the_bot_goes_quiet(live):
    client = live.test_client()
    form = twilio_form("sms_text", Body="hi")
    post_twilio(client, PATH, form)
    handoff = post_twilio(client, PATH, fresh_sid(form) | {"Body": "1"})
    assert replies(handoff) == [
        "Thank you. A counsellor will reply to you here as soon as possible."]
    (escalation,) = rows(live, Escalation)
    assert (escalation.reason, escalation.priority) == ("migrant_request", "normal")
    (conversation,) = rows(live, Conversation)
    assert conversation.bot_paused

    after = post_twilio(client, PATH, fresh_sid(form) | {"Body": "hello?"})
    assert after.status_code == 200 and replies(after) == []


def test_whatsapp_button_payload_goes_to_the_bot(live):
    response = post_twilio(live.test_client(), PATH, twilio_form("whatsapp_button"))
    assert replies(response) == [
        "Thank you. A counsellor will reply to you here as soon as possible."]
    assert [e.reason for e in rows(live, Escalation)] == ["migrant_request"]


def test_not_understood_offers_the_menu(live):
    response = post_twilio(live.test_client(), PATH,
                           twilio_form("sms_text", Body="qqqq zzzz xxxx"))
    assert replies(response) == ["Sorry, I did not understand that.", MENU]


def test_health_sees_the_real_rasa(live):
    assert live.test_client().get("/healthz").get_json() == {"db": "ok", "rasa": "ok"}
