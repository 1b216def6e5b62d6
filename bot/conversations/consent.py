"""The migrant's own commands, handled by the gateway before the bot: STOP (no more
messages), START (messages again), HELP (who we are, the centre's contacts) and
DELETE (erase everything, after a numbered confirmation). The words are in
flows/keywords.yml; a message is a command only when it is nothing but the word.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import yaml

STOP, START, HELP, DELETE = "stop", "start", "help", "delete"
COMMANDS = (STOP, START, HELP, DELETE)
# payloads of the erasure confirmation's numbered menu
ERASE_YES, ERASE_NO = "erase:yes", "erase:no"
# the standard keywords Twilio itself answers on SMS long codes
TWILIO = "twilio"

_EDGES = re.compile(r"^[\s\W_]+|[\s\W_]+$")
_APOSTROPHES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u02bb": "'", "\u02bc": "'",
                              "`": "'"})  # Uzbek o' / g' are written several ways


def normalise(text: str) -> str:
    """Case-folded, NFC, spaces collapsed, punctuation at both ends removed."""
    text = unicodedata.normalize("NFC", text).casefold().translate(_APOSTROPHES)
    return " ".join(_EDGES.sub("", text).split())


class Keywords:
    def __init__(self, table: dict[str, dict[str, list[str]]]):
        self._command = {}
        self._standard = set()
        for command in COMMANDS:
            for group, words in (table.get(command) or {}).items():
                for word in words:
                    if not isinstance(word, str):
                        raise ValueError(f"keywords.yml {command}/{group}: quote {word!r}")
                    self._command.setdefault(normalise(str(word)), command)
                    if group == TWILIO:
                        self._standard.add(normalise(str(word)))

    def command(self, text: str | None) -> str | None:
        """STOP / START / HELP / DELETE if the whole message is one of their words."""
        if not text or len(text) > 40:
            return None
        return self._command.get(normalise(text))

    def is_standard(self, text: str) -> bool:
        """One of Twilio's own keywords (Twilio confirms those itself on SMS)."""
        return normalise(text) in self._standard

    @classmethod
    def load(cls, flows_dir: str | Path) -> Keywords:
        return cls(yaml.safe_load((Path(flows_dir) / "keywords.yml").read_text(
            encoding="utf-8")))
