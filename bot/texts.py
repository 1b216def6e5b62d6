"""Texts the gateway sends itself (flows/system.yml), in every supported language."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.language import LANGUAGES

HOLDING_REPLY = "holding_reply"
MEDIA_RECEIVED = "media_received"
LOCATION_RECEIVED = "location_received"
HANDED_BACK = "handed_back"  # the counsellor is done; the bot answers again
WHATSAPP_TEMPLATE = "whatsapp_template"  # preview of the approved re-opening template
COUNSELLOR_GREETING = "counsellor_greeting"  # the console's first canned reply
# the migrant's own commands (bot.conversations.consent)
OPTED_OUT, OPTED_IN, HELP_REPLY = "opted_out", "opted_in", "help_reply"
ERASURE_QUESTION, ERASURE_YES, ERASURE_NO = "erasure_question", "erasure_yes", "erasure_no"
ERASED, ERASURE_CANCELLED = "erased", "erasure_cancelled"
KEYS = (HOLDING_REPLY, MEDIA_RECEIVED, LOCATION_RECEIVED, HANDED_BACK, WHATSAPP_TEMPLATE,
        COUNSELLOR_GREETING, OPTED_OUT, OPTED_IN, HELP_REPLY, ERASURE_QUESTION, ERASURE_YES,
        ERASURE_NO, ERASED, ERASURE_CANCELLED)


class TextsError(ValueError):
    """A gateway text is missing in some language."""


class GatewayTexts:
    def __init__(self, texts: dict[str, dict[str, str]]):
        missing = [f"{key}/{lang}" for key in KEYS for lang in LANGUAGES
                   if not texts.get(key, {}).get(lang)]
        if missing:
            raise TextsError(f"missing gateway texts: {', '.join(missing)}")
        self._texts = texts

    def get(self, key: str, language: str | None, **values: str) -> str:
        """The text in `language` (English if missing), `{centre}` etc. filled in."""
        by_language = self._texts[key]
        text = by_language.get(language or "en") or by_language["en"]
        return text.format(**values) if values else text

    @classmethod
    def load(cls, flows_dir: str | Path) -> GatewayTexts:
        """raises TextsError if flows/system.yml lacks a text; OSError if unreadable."""
        raw = yaml.safe_load((Path(flows_dir) / "system.yml").read_text(encoding="utf-8"))
        return cls({key: {lang: entry["text"] for lang, entry in by_lang.items()}
                    for key, by_lang in raw.items()})
