"""Validation of flows/: schema, missing translations, SMS budget — with file and line.

Run by `flask --app webhook flows check`, by the tests, and by the action server
before it loads the content.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from actions.content import (
    CENTRE_NAME_MAX,
    LANGUAGES,
    SMS_BUDGET,
    Content,
    Text,
    main_menu,
    parse_text,
    topic_answer,
)

THEMES = ("legal_pathways", "labour_migration", "trafficking_risks", "return_support",
          "humanitarian_pathways", "check_job_offer")
DIALOGUE_KEYS = (
    "welcome", "privacy", "menu_prompt", "next_prompt", "talk_to_counsellor", "main_menu",
    "danger_entry", "fallback", "fallback_again", "consent_question", "consent_declined",
    "gender_question", "age_question", "handoff_ack", "crisis", "crisis_contacts",
    "goodbye", "thanks_reply", "bot_challenge", "language_prompt",
    "yes_label", "no_label", "skip", "man", "woman", "other_gender", "under_18",
    "age_18_29", "age_30_44", "age_45_plus",
)
COUNTRIES = ("AF", "BD", "IQ", "KG", "LK", "PK", "TJ", "UZ")
PLACEHOLDER = re.compile(r"\{(\w*)\}")
ALLOWED_PLACEHOLDERS = {"centre"}


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class ContentError(ValueError):
    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems


def check(flows_dir: str | Path) -> list[Problem]:
    """Every problem in flows_dir (an empty list when the content is usable)."""
    flows = Path(flows_dir)
    checker = _Checker(flows)
    checker.dialogue(flows / "dialogue.yml")
    for path in sorted((flows / "topics").glob("*.yml")):
        checker.topic(path)
    checker.missing_topics()
    return checker.problems


def budget_report(content: Content) -> list[tuple[str, str, int]]:
    """(where, language, characters) of every rendered SMS over the budget."""
    over = []
    for language in LANGUAGES:
        rendered = [("main menu", main_menu(content, language))]
        for topic in content.topics.values():
            for country in (None, *topic.countries):
                for detail in (None, *(d.key for d in topic.details)):
                    for message in topic_answer(content, topic, language, country, detail):
                        rendered.append((f"{topic.name}/{detail or 'answer'}", message))
        for where, message in rendered:
            size = _units(message.as_sms())
            if size > SMS_BUDGET:
                over.append((where, language, size))
    return over


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class _Checker:
    def __init__(self, flows: Path):
        self.flows = flows
        self.problems: list[Problem] = []
        self.themes_seen: set[str] = set()

    def _add(self, path: Path, node, message: str) -> None:
        self._add_at(path, node.start_mark.line + 1 if node is not None else 1, message)

    def _add_at(self, path: Path, line: int, message: str) -> None:
        self.problems.append(Problem(str(path.relative_to(self.flows.parent)), line, message))

    def _load(self, path: Path):
        try:
            return yaml.compose(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            mark = getattr(exc, "problem_mark", None)
            self._add_at(path, mark.line + 1 if mark else 1, f"unreadable: {exc}")
            return None

    def dialogue(self, path: Path) -> None:
        root = self._load(path)
        if root is None:
            return
        entries = _mapping(root)
        if entries is None:
            return self._add(path, root, "expected a mapping of text keys")
        for key in DIALOGUE_KEYS:
            if key not in entries:
                self._add(path, root, f"missing dialogue text {key!r}")
        for key, (key_node, value) in entries.items():
            if key not in DIALOGUE_KEYS:
                self._add(path, key_node, f"unknown dialogue text {key!r}")
            self.text(path, value, key)

    def topic(self, path: Path) -> None:
        root = self._load(path)
        fields = _mapping(root) if root is not None else None
        if fields is None:
            return self._add(path, root, "expected a mapping") if root is not None else None
        for required in ("topic", "order", "title", "answer"):
            if required not in fields:
                self._add(path, root, f"missing {required!r}")
        if "topic" in fields:
            name = fields["topic"][1].value
            if name not in THEMES:
                self._add(path, fields["topic"][1], f"unknown topic {name!r}; one of {THEMES}")
            self.themes_seen.add(name)
        for key in ("title", "answer"):
            if key in fields:
                self.text(path, fields[key][1], key)
        for country, (node, value) in (_mapping(fields["countries"][1]) or {}).items() \
                if "countries" in fields else ():
            if country not in COUNTRIES:
                self._add(path, node, f"unknown country {country!r}")
            self.text(path, value, f"countries.{country}")
        if "details" in fields:
            self.details(path, fields["details"][1])

    def details(self, path: Path, node) -> None:
        if not isinstance(node, yaml.SequenceNode):
            return self._add(path, node, "details must be a list")
        keys = set()
        for item in node.value:
            fields = _mapping(item) or {}
            for required in ("key", "title", "text"):
                if required not in fields:
                    self._add(path, item, f"detail without {required!r}")
            if "key" in fields:
                key = fields["key"][1].value
                if key in keys:
                    self._add(path, fields["key"][1], f"duplicate detail key {key!r}")
                keys.add(key)
            for name in ("title", "text"):
                if name in fields:
                    self.text(path, fields[name][1], f"details.{name}")

    def text(self, path: Path, node, where: str) -> None:
        entries = _mapping(node)
        if entries is None:
            return self._add(path, node, f"{where}: expected language: text entries")
        try:
            text = parse_text(yaml.safe_load(yaml.serialize(node)))
        except (KeyError, TypeError, ValueError, yaml.YAMLError):
            return self._add(path, node, f"{where}: an entry must be a string or {{text, review}}")
        for language in LANGUAGES:
            if not text.by_language.get(language, "").strip():
                self._add(path, node, f"{where}: missing translation {language!r}")
        for language, (key_node, _) in entries.items():
            if language not in LANGUAGES:
                self._add(path, key_node, f"{where}: unknown language {language!r}")
        self._placeholders_and_budget(path, entries, text, where)

    def _placeholders_and_budget(self, path, entries, text: Text, where: str) -> None:
        english = set(PLACEHOLDER.findall(text.by_language.get("en", "")))
        for language, value in text.by_language.items():
            node = entries[language][1]
            names = set(PLACEHOLDER.findall(value))
            if names - ALLOWED_PLACEHOLDERS or names != english:
                self._add(path, node, f"{where}/{language}: placeholders {sorted(names)} "
                                      f"differ from English {sorted(english)}")
                continue
            size = _units(value.format(centre="x" * CENTRE_NAME_MAX) if names else value)
            if size > SMS_BUDGET:
                self._add(path, node, f"{where}/{language}: {size} characters, over the SMS "
                                      f"budget of {SMS_BUDGET}")

    def missing_topics(self) -> None:
        for theme in THEMES:
            if theme not in self.themes_seen:
                self.problems.append(Problem("flows/topics", 1, f"no content for {theme!r}"))


def _mapping(node) -> dict | None:
    """{key: (key node, value node)} of a mapping node, None if it is not one."""
    if not isinstance(node, yaml.MappingNode):
        return None
    return {k.value: (k, v) for k, v in node.value}

