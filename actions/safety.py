"""Someone is being exploited or is in danger: safety first, no form in the way.

At once: the safety message, the centre's emergency contacts (from the centres
configuration; sample values are labelled as examples), and an urgent hand-over.
"""

from __future__ import annotations

from rasa_sdk import Action
from rasa_sdk.events import ConversationPaused

from actions import context
from actions.handoff import handoff_payload
from actions.welcome import introduce_if_new

EXPLOITATION_REPORT = "exploitation_report"
EXAMPLE_LABEL = "EXAMPLE"


def contacts_text(tracker) -> str | None:
    centre = context.centre(tracker)
    if centre is None or not centre.contacts:
        return None
    intro = context.content().say("crisis_contacts", context.language(tracker),
                                  centre=centre.name)
    tag = f" ({EXAMPLE_LABEL})" if centre.example else ""
    return "\n".join([intro, *(f"{label}: {phone}{tag}" for label, phone in centre.contacts)])


class ActionCrisis(Action):
    def name(self) -> str:
        return "action_crisis"

    def run(self, dispatcher, tracker, domain):
        dispatcher.utter_message(text=context.content().say("crisis",
                                                            context.language(tracker)))
        contacts = contacts_text(tracker)
        if contacts:
            dispatcher.utter_message(text=contacts)
        introduce_if_new(dispatcher, tracker)  # safety first, the privacy notice after
        dispatcher.utter_message(json_message=handoff_payload(
            "urgent", EXPLOITATION_REPORT, "report_exploitation"))
        return [ConversationPaused()]
