"""Handing a conversation to a human counsellor, and the short intake before it.

Contract with the gateway: a custom payload
`{"handoff": {"priority": "urgent|high|normal", "reason": …, "topic": …}}` (with the
intake's optional gender and age band), then `ConversationPaused` so Rasa itself stays
silent until the gateway resumes the conversation.

Intake (counsellor_intake_form): consent to share the chat with a counsellor, then
optional gender and age band (the centres report them to donors). "Skip" answers
"unsaid"; without consent the other questions are not asked and nobody is called.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction
from rasa_sdk.events import ConversationPaused

from actions import context
from actions.content import Message, main_menu
from actions.context import send
from actions.welcome import introduce_if_new

MIGRANT_REQUEST = "migrant_request"
UNSAID = "unsaid"
GENDERS = (("man", "male"), ("woman", "female"), ("other_gender", "other"), ("skip", UNSAID))
AGE_BANDS = (("under_18", "under_18"), ("age_18_29", "18_29"), ("age_30_44", "30_44"),
             ("age_45_plus", "45_plus"), ("skip", UNSAID))


def handoff_payload(priority: str, reason: str, topic: str | None = None,
                    **intake: str | None) -> dict[str, Any]:
    return {"handoff": {"priority": priority, "reason": reason, "topic": topic, **intake}}


def _options(tracker, question: str, entity: str, choices) -> Message:
    content, lang = context.content(), context.language(tracker)
    return Message(content.say(question, lang), tuple(
        (content.say(key, lang), f'/inform{{"{entity}": "{value}"}}') for key, value in choices))


class ActionAskShareConsent(Action):
    def name(self) -> str:
        return "action_ask_share_consent"

    def run(self, dispatcher, tracker, domain):
        introduce_if_new(dispatcher, tracker)
        content, lang = context.content(), context.language(tracker)
        send(dispatcher, Message(content.say("consent_question", lang), (
            (content.say("yes_label", lang), "/affirm"), (content.say("no_label", lang), "/deny"))))
        return []


class ActionAskGender(Action):
    def name(self) -> str:
        return "action_ask_gender"

    def run(self, dispatcher, tracker, domain):
        send(dispatcher, _options(tracker, "gender_question", "gender", GENDERS))
        return []


class ActionAskAgeBand(Action):
    def name(self) -> str:
        return "action_ask_age_band"

    def run(self, dispatcher, tracker, domain):
        send(dispatcher, _options(tracker, "age_question", "age_band", AGE_BANDS))
        return []


class ValidateCounsellorIntakeForm(FormValidationAction):
    def name(self) -> str:
        return "validate_counsellor_intake_form"

    def validate_share_consent(self, value, dispatcher, tracker, domain):
        if value is False:  # no consent: nothing more to ask
            return {"share_consent": False, "gender": UNSAID, "age_band": UNSAID}
        return {"share_consent": value}

    def validate_age_band(self, value, dispatcher, tracker, domain):
        """Only an age band or "unsaid" (typed refusals arrive as the gender entity)."""
        return {"age_band": value if value in {band for _, band in AGE_BANDS} else None}


class ActionFinishIntake(Action):
    """With consent: hand over (normal priority) and pause; without: back to the menu."""

    def name(self) -> str:
        return "action_finish_intake"

    def run(self, dispatcher, tracker, domain):
        content, lang = context.content(), context.language(tracker)
        if not tracker.get_slot("share_consent"):
            dispatcher.utter_message(text=content.say("consent_declined", lang))
            send(dispatcher, main_menu(content, lang))
            return []
        dispatcher.utter_message(text=content.say("handoff_ack", lang))
        dispatcher.utter_message(json_message=handoff_payload(
            "normal", MIGRANT_REQUEST, tracker.get_slot("topic"),
            gender=tracker.get_slot("gender"), age_band=tracker.get_slot("age_band")))
        return [ConversationPaused()]
