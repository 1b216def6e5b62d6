"""What the bot said in one turn, rendered for SMS and WhatsApp.

Rasa's REST channel answers with a list of messages: text, buttons, images and
custom payloads. Buttons become a numbered menu (a basic phone cannot tap), and
their payloads are kept so that a reply of "2" picks the second one. A custom
payload `{"handoff": {...}}` asks the gateway to hand the chat to a counsellor.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.conversations.models import AGE_BANDS, GENDERS
from bot.queue.models import NORMAL, PRIORITY_RANK

# digits a migrant may type for a menu choice, in the scripts of our languages
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹০১২৩৪৫৬৭৮৯", "012345678901234567890123456789")


@dataclass(frozen=True)
class Handoff:
    priority: str
    reason: str
    topic: str | None
    gender: str | None = None  # optional intake answers, reported to donors
    age_band: str | None = None


@dataclass(frozen=True)
class BotTurn:
    texts: tuple[str, ...]
    choices: tuple[str, ...] | None  # payloads of a numbered menu, if the turn ended in one
    handoff: Handoff | None
    language_menu: bool = False  # the bot asks the gateway to offer its language menu
    erasure: bool = False  # the bot understood "delete my data": the gateway confirms
    topic: str | None = None  # the theme the bot answered, for the activity reports
    destination_country: str | None = None  # the country asked about, if named

    @property
    def is_empty(self) -> bool:
        """Nothing to say and nothing to do: the bot failed (the gateway never asks a
        paused conversation, so silence is never the intended answer)."""
        return not (self.texts or self.handoff or self.language_menu or self.erasure)


def read_turn(messages: list[dict]) -> BotTurn:
    texts: list[str] = []
    choices: list[str] | None = None
    handoff, language_menu, erasure = None, False, False
    topic = destination = None
    for message in messages:
        if not isinstance(message, dict):
            continue
        text = message.get("text")
        buttons = [b for b in message.get("buttons") or [] if isinstance(b, dict)]
        if buttons:
            choices = [str(b.get("payload") or b.get("title") or "") for b in buttons]
            menu = "\n".join(f"{i}. {b.get('title', '')}" for i, b in enumerate(buttons, 1))
            text = f"{text}\n{menu}" if text else menu
        if text:
            texts.append(str(text))
        if message.get("image"):
            texts.append(str(message["image"]))
        custom = message.get("custom")
        if isinstance(custom, dict) and isinstance(custom.get("handoff"), dict):
            handoff = _handoff(custom["handoff"])
        if isinstance(custom, dict) and custom.get("language_menu") is True:
            language_menu = True
        if isinstance(custom, dict) and custom.get("erasure") is True:
            erasure = True
        if isinstance(custom, dict) and custom.get("topic"):
            topic = _short(custom["topic"])
            destination = _short(custom.get("destination_country"))
    return BotTurn(tuple(texts), tuple(choices) if choices else None, handoff, language_menu,
                   erasure, topic, destination)


def choice_payload(text: str, choices: list[str] | None) -> str | None:
    """The payload of menu entry `text` ("2", "٢", " 2. "), or None if it is no entry."""
    if not choices:
        return None
    number = text.strip().rstrip(".)").translate(_DIGITS)
    if number.isdigit() and 1 <= int(number) <= len(choices):
        return choices[int(number) - 1]
    return None


def _handoff(raw: dict) -> Handoff:
    priority = raw.get("priority")
    return Handoff(
        priority=priority if priority in PRIORITY_RANK else NORMAL,
        reason=str(raw.get("reason") or "bot_handoff")[:64],
        topic=_short(raw.get("topic")),
        gender=raw.get("gender") if raw.get("gender") in GENDERS else None,
        age_band=raw.get("age_band") if raw.get("age_band") in AGE_BANDS else None,
    )


def _short(value) -> str | None:
    return str(value)[:64] if value else None
