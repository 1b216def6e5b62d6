"""Handing a conversation to a human counsellor.

Contract with the gateway: a custom payload
`{"handoff": {"priority": "urgent|high|normal", "reason": …, "topic": …}}`, then
`ConversationPaused` so Rasa itself stays silent until the gateway resumes it.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ConversationPaused
from rasa_sdk.executor import CollectingDispatcher

MIGRANT_REQUEST = "migrant_request"


def handoff_payload(priority: str, reason: str, topic: str | None = None) -> dict[str, Any]:
    return {"handoff": {"priority": priority, "reason": reason, "topic": topic}}


class ActionHandOff(Action):
    def name(self) -> str:
        return "action_hand_off"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        dispatcher.utter_message(response="utter_handoff")
        dispatcher.utter_message(json_message=handoff_payload("normal", MIGRANT_REQUEST))
        return [ConversationPaused()]
