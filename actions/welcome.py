"""The welcome and the privacy notice: on a greeting, and once per session whatever
the migrant's first message is (a session lasts a day, see domain.yml)."""

from __future__ import annotations

from rasa_sdk import Action

from actions import context
from actions.content import main_menu
from actions.context import send


def welcome(dispatcher, tracker) -> None:
    lang, content = context.language(tracker), context.content()
    dispatcher.utter_message(text=content.say("welcome", lang,
                                              centre=context.centre_name(tracker)))
    dispatcher.utter_message(text=content.say("privacy", lang))


def first_message_of_session(tracker) -> bool:
    """True if the migrant wrote nothing earlier in this session (a day)."""
    users = 0
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            users += 1
        elif event.get("event") == "session_started":
            break
    return users <= 1


def introduce_if_new(dispatcher, tracker) -> None:
    """The welcome and privacy notice, once per session, whatever the first message."""
    if first_message_of_session(tracker):
        welcome(dispatcher, tracker)


class ActionWelcome(Action):
    def name(self) -> str:
        return "action_welcome"

    def run(self, dispatcher, tracker, domain):
        welcome(dispatcher, tracker)
        send(dispatcher, main_menu(context.content(), context.language(tracker)))
        return []
