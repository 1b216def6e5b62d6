"""What every action needs to know: the content, the centre, the migrant's language.

The action server's own small configuration: FLOWS_DIR and CENTRES_FILE (defaults:
flows/ and centres.yml in the project). Content is read at the first action and again
whenever a file in flows/ changes — an edit is live without retraining or restarting;
an edit that breaks the content is logged and the last good content stays in use.
The gateway sends language, centre and channel as message metadata.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from actions.content import LANGUAGES, Content, Message, load
from actions.content_check import ContentError

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Centre:
    code: str
    name: str
    country: str
    contacts: tuple[tuple[str, str], ...]  # (label, phone)
    example: bool


class _ContentCache:
    def __init__(self, flows: Path):
        self.flows = flows
        self.stamp: tuple | None = None
        self.content: Content | None = None

    def get(self) -> Content:
        """raises ContentError only if no valid content was ever loaded."""
        stamp = tuple(sorted((str(p), p.stat().st_mtime_ns)
                             for p in self.flows.rglob("*.yml")))
        if stamp != self.stamp:
            try:
                self.content = load(self.flows)
            except ContentError as exc:
                if self.content is None:
                    raise
                log.error("flows/ changed but is invalid; keeping the previous content:\n%s",
                          exc)
            self.stamp = stamp
        return self.content


_content = _ContentCache(Path(os.environ.get("FLOWS_DIR", ROOT / "flows")))


def content() -> Content:
    return _content.get()


@cache
def centres() -> dict[str, Centre]:
    raw = yaml.safe_load(Path(os.environ.get("CENTRES_FILE", ROOT / "centres.yml"))
                         .read_text(encoding="utf-8"))
    return {
        c["code"]: Centre(
            code=c["code"], name=c["name"], country=c["country"],
            contacts=tuple((x["label"], str(x["phone"])) for x in c.get("contacts") or ()),
            example=bool(c.get("example")),
        )
        for c in raw["centres"]
    }


def metadata(tracker) -> dict:
    """The gateway's metadata of this message (at a session's start, of its first one)."""
    return (tracker.latest_message.get("metadata")
            or tracker.get_slot("session_started_metadata") or {})


def language(tracker) -> str:
    chosen = metadata(tracker).get("language")
    return chosen if chosen in LANGUAGES else "en"


def centre(tracker) -> Centre | None:
    return centres().get(metadata(tracker).get("centre"))


def centre_name(tracker) -> str:
    found = centre(tracker)
    return found.name if found else "the Migrant Resource Centre"


def country(tracker) -> str | None:
    found = centre(tracker)
    return found.country if found else None


def send(dispatcher, message: Message) -> None:
    """A text with its numbered options (the gateway renders buttons as a list)."""
    buttons = [{"title": title, "payload": payload} for title, payload in message.buttons]
    dispatcher.utter_message(text=message.text, buttons=buttons or None)
