"""Main menu, theme answers and short replies — all texts from flows/."""

from __future__ import annotations

from rasa_sdk import Action
from rasa_sdk.events import SlotSet

from actions import context
from actions.content import Message, main_menu, topic_answer
from actions.context import send
from actions.welcome import introduce_if_new

ERASURE_PAYLOAD = {"erasure": True}  # the gateway asks "delete everything? 1 yes 2 no"
LANGUAGE_MENU_PAYLOAD = {"language_menu": True}  # the gateway's own numbered menu
FALLBACK_INTENTS = ("nlu_fallback", "out_of_scope")
# intent -> dialogue text of the one-line replies
REPLIES = {"goodbye": "goodbye", "thanks": "thanks_reply", "bot_challenge": "bot_challenge"}


class ActionMainMenu(Action):
    def name(self) -> str:
        return "action_main_menu"

    def run(self, dispatcher, tracker, domain):
        introduce_if_new(dispatcher, tracker)
        send(dispatcher, main_menu(context.content(), context.language(tracker)))
        return []


class ActionTopic(Action):
    """The theme of the last intent: its answer, the country's note, next steps."""

    def name(self) -> str:
        return "action_topic"

    def run(self, dispatcher, tracker, domain):
        introduce_if_new(dispatcher, tracker)
        content = context.content()
        name = tracker.latest_message["intent"].get("name")
        topic = content.topics.get(name)
        if topic is None:  # an intent without content: never silence
            send(dispatcher, main_menu(content, context.language(tracker)))
            return []
        detail = next(tracker.get_latest_entity_values("detail"), None)
        for message in topic_answer(content, topic, context.language(tracker),
                                    context.country(tracker), detail):
            send(dispatcher, message)
        destination = next(tracker.get_latest_entity_values("destination_country"), None)
        # for the centres' activity reports: which theme, which destination (no text)
        dispatcher.utter_message(json_message={"topic": topic.name,
                                               "destination_country": destination})
        return [SlotSet("topic", topic.name)]


class ActionFallback(Action):
    """Not understood: the menu; the second time in a row, also offer a counsellor."""

    def name(self) -> str:
        return "action_fallback"

    def run(self, dispatcher, tracker, domain):
        introduce_if_new(dispatcher, tracker)
        lang, content = context.language(tracker), context.content()
        intents = [e.get("parse_data", {}).get("intent", {}).get("name")
                   for e in tracker.events if e.get("event") == "user"]
        if len(intents) >= 2 and intents[-2] in FALLBACK_INTENTS:
            send(dispatcher, Message(content.say("fallback_again", lang), (
                (content.say("talk_to_counsellor", lang), "/request_counsellor"),
                (content.say("main_menu", lang), "/menu"))))
            return []
        dispatcher.utter_message(text=content.say("fallback", lang))
        send(dispatcher, main_menu(content, lang))
        return []


class ActionReply(Action):
    def name(self) -> str:
        return "action_reply"

    def run(self, dispatcher, tracker, domain):
        introduce_if_new(dispatcher, tracker)
        key = REPLIES.get(tracker.latest_message["intent"].get("name"), "thanks_reply")
        dispatcher.utter_message(text=context.content().say(
            key, context.language(tracker), centre=context.centre_name(tracker)))
        return []


class ActionLanguageMenu(Action):
    """The prompt; the gateway adds its numbered language menu and switches on a number."""

    def name(self) -> str:
        return "action_language_menu"

    def run(self, dispatcher, tracker, domain):
        introduce_if_new(dispatcher, tracker)
        dispatcher.utter_message(text=context.content().say("language_prompt",
                                                            context.language(tracker)))
        dispatcher.utter_message(json_message=LANGUAGE_MENU_PAYLOAD)
        return []


class ActionDeleteRequest(Action):
    """The gateway holds the person's data: it asks for confirmation and erases
    everything (its own rows and this tracker's events)."""

    def name(self) -> str:
        return "action_delete_request"

    def run(self, dispatcher, tracker, domain):
        introduce_if_new(dispatcher, tracker)
        dispatcher.utter_message(json_message=ERASURE_PAYLOAD)
        return []
