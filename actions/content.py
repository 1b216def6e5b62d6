"""Counselling content from flows/: the texts the bot sends, in every language.

flows/dialogue.yml holds the dialogue's own texts (welcome, menus, intake, crisis);
flows/topics/<topic>.yml one MRC theme each: a menu title, an answer, notes for the
countries where facts differ, and numbered details. A text is a mapping language ->
string, or language -> {text, review}; `review: true` marks a translation awaiting a
native-speaking counsellor. Content is read at run time: editing needs no retraining.
`actions.content_check` validates it (schema, translations, SMS budget).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

LANGUAGES = ("en", "ur", "fa", "ps", "bn", "ar", "ckb", "ru", "tg", "ky", "uz", "si", "ta")
FALLBACK_LANGUAGE = "en"
SMS_BUDGET = 201  # characters: 3 SMS segments in UCS-2 (67 each)
CENTRE_NAME_MAX = 45  # characters a centre's name may take where a text says {centre}

# main-menu entries that are not topics: (dialogue text key, intent)
DANGER_ENTRY = ("danger_entry", "report_exploitation")
COUNSELLOR_ENTRY = ("talk_to_counsellor", "request_counsellor")


@dataclass(frozen=True)
class Text:
    by_language: dict[str, str]
    review: frozenset[str] = frozenset()

    def get(self, language: str | None, **values: str) -> str:
        text = self.by_language.get(language or FALLBACK_LANGUAGE)
        text = text or self.by_language[FALLBACK_LANGUAGE]
        return text.format(**values) if values else text


@dataclass(frozen=True)
class Detail:
    key: str
    title: Text
    text: Text


@dataclass(frozen=True)
class Topic:
    name: str
    order: int
    title: Text
    answer: Text
    countries: dict[str, Text]
    details: tuple[Detail, ...]

    def detail(self, key: str | None) -> Detail | None:
        return next((d for d in self.details if d.key == key), None)


@dataclass(frozen=True)
class Content:
    dialogue: dict[str, Text]
    topics: dict[str, Topic]  # in menu order

    def say(self, key: str, language: str | None, **values: str) -> str:
        return self.dialogue[key].get(language, **values)


def parse_text(raw) -> Text:
    """A text from its YAML form; raises ValueError/TypeError/KeyError on a wrong form."""
    by_language, review = {}, set()
    for language, entry in raw.items():
        if isinstance(entry, dict):
            by_language[language] = str(entry["text"])
            if entry.get("review"):
                review.add(language)
        else:
            by_language[language] = str(entry)
    return Text(by_language, frozenset(review))


def read_yaml(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def load(flows_dir: str | Path) -> Content:
    """The content of flows_dir.

    raises ContentError (with every problem and its file and line) if it is invalid.
    """
    from actions.content_check import ContentError, check

    flows = Path(flows_dir)
    problems = check(flows)
    if problems:
        raise ContentError(problems)
    dialogue = {key: parse_text(raw) for key, raw in read_yaml(flows / "dialogue.yml").items()}
    topics = sorted((_topic(read_yaml(path)) for path in (flows / "topics").glob("*.yml")),
                    key=lambda t: t.order)
    return Content(dialogue, {t.name: t for t in topics})


def _topic(raw: dict) -> Topic:
    return Topic(
        name=raw["topic"], order=int(raw["order"]), title=parse_text(raw["title"]),
        answer=parse_text(raw["answer"]),
        countries={c: parse_text(t) for c, t in (raw.get("countries") or {}).items()},
        details=tuple(Detail(d["key"], parse_text(d["title"]), parse_text(d["text"]))
                      for d in raw.get("details") or ()),
    )


# --- rendering: what the actions send ----------------------------------------------------

@dataclass(frozen=True)
class Message:
    text: str
    buttons: tuple[tuple[str, str], ...] = ()  # (title, payload)

    def as_sms(self) -> str:
        """How the gateway renders it: the text, then one numbered line per button."""
        lines = [self.text] if self.text else []
        lines += [f"{i}. {title}" for i, (title, _) in enumerate(self.buttons, 1)]
        return "\n".join(lines)


def main_menu(content: Content, language: str | None) -> Message:
    entries = [(t.title.get(language), f"/{name}") for name, t in content.topics.items()]
    entries += [(content.say(key, language), f"/{intent}")
                for key, intent in (DANGER_ENTRY, COUNSELLOR_ENTRY)]
    return Message(content.say("menu_prompt", language), tuple(entries))


def topic_answer(content: Content, topic: Topic, language: str | None,
                 country: str | None, detail: str | None = None) -> list[Message]:
    """The answer (or one detail), the country's note, then the next steps."""
    chosen = topic.detail(detail)
    messages = [Message(chosen.text.get(language) if chosen else topic.answer.get(language))]
    if not chosen and country in topic.countries:
        messages.append(Message(topic.countries[country].get(language)))
    steps = [(d.title.get(language), f'/{topic.name}{{"detail": "{d.key}"}}')
             for d in topic.details if d is not chosen]
    steps += [(content.say(COUNSELLOR_ENTRY[0], language), f"/{COUNSELLOR_ENTRY[1]}"),
              (content.say("main_menu", language), "/menu")]
    messages.append(Message(content.say("next_prompt", language), tuple(steps)))
    return messages
