"""The migrant chooses the language: by the numbered menu or by naming it; it sticks."""

from __future__ import annotations

import pytest

from bot.conversations.models import Conversation
from bot.language import language_menu
from tests.conftest import fresh_sid, post_twilio, twilio_form
from tests.test_webhook_message import PATH, replies, rows


def say(client, text):
    return post_twilio(client, PATH, fresh_sid(twilio_form("sms_text", Body=text)))


@pytest.mark.parametrize(
    ("pick", "language"),
    [("2", "ur"), ("٣", "fa"), (" 8.", "ru"), ("13", "ta")],
    ids=["ascii-digit", "arabic-indic-digit", "punctuated", "last"],
)
def test_numbered_language_menu(client, app, rasa, pick, language):
    menu = say(client, "language")
    assert replies(menu) == [language_menu()]
    assert rasa.calls == [], "the gateway answers the language menu itself"

    say(client, pick)
    (call,) = rasa.calls
    assert (call["message"], call["metadata"]["language"]) == ("/greet", language)
    (conversation,) = rows(app, Conversation)
    assert conversation.language == language


@pytest.mark.parametrize(
    ("text", "language"),
    [("اردو", "ur"), ("Urdu please", "ur"), ("на русском", "ru"), ("پښتو", "ps"),
     ("English", "en")],
    ids=["urdu-script", "urdu-latin", "russian", "pashto", "english"],
)
def test_naming_a_language_switches_to_it(client, app, rasa, text, language):
    say(client, "hello")
    say(client, text)
    assert rasa.calls[-1]["message"] == "/greet"
    assert rasa.calls[-1]["metadata"]["language"] == language
    assert rows(app, Conversation)[0].language == language


def test_chosen_language_sticks_for_short_messages(client, app, rasa):
    say(client, "language")
    say(client, "2")
    for text in ("ok", "1", "👍", "shukriya"):
        say(client, text)
        assert rasa.calls[-1]["metadata"]["language"] == "ur", text
    say(client, "I want to work in Canada, how do I apply")
    assert rasa.calls[-1]["metadata"]["language"] == "en", "a whole sentence may switch"


def test_digits_outside_the_language_menu_are_not_language_choices(client, app, rasa):
    say(client, "hello")
    say(client, "2")
    assert rasa.calls[-1]["message"] == "2"
    assert rows(app, Conversation)[0].language == "en"
