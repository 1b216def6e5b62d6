from __future__ import annotations

import pytest

from bot.dialogue.turns import Handoff, choice_payload, read_turn


@pytest.mark.parametrize(
    ("messages", "texts", "choices", "handoff"),
    [
        ([{"text": "hi"}], ("hi",), None, None),
        ([{"text": "Pick", "buttons": [{"title": "A", "payload": "/a"},
                                       {"title": "B", "payload": "/b"}]}],
         ("Pick\n1. A\n2. B",), ("/a", "/b"), None),
        ([{"custom": {"handoff": {"priority": "urgent", "reason": "r", "topic": "t"}}}],
         (), None, Handoff("urgent", "r", "t")),
        ([{"custom": {"handoff": {"priority": "whenever"}}}],
         (), None, Handoff("normal", "bot_handoff", None)),
        ([{"custom": {"handoff": {"priority": "normal", "reason": "migrant_request",
                                  "gender": "female", "age_band": "18_29"}}}],
         (), None, Handoff("normal", "migrant_request", None, "female", "18_29")),
        ([{"custom": {"handoff": {"gender": "+447700900123", "age_band": "old"}}}],
         (), None, Handoff("normal", "bot_handoff", None)),
        ([{"custom": {"other": 1}}, "junk", {"image": "https://x/y.png"}],
         ("https://x/y.png",), None, None),
        ([], (), None, None),
    ],
    ids=["text", "buttons", "handoff", "handoff-defaults", "handoff-intake",
         "handoff-intake-junk", "other-payloads", "empty"],
)
def test_read_turn(messages, texts, choices, handoff):
    turn = read_turn(messages)
    assert (turn.texts, turn.choices, turn.handoff) == (texts, choices, handoff)


@pytest.mark.parametrize(
    ("custom", "expected"),
    [({"language_menu": True}, True), ({"language_menu": "yes"}, False), ({}, False)],
    ids=["asked", "not-a-bool", "absent"],
)
def test_language_menu_request(custom, expected):
    assert read_turn([{"text": "Choose:"}, {"custom": custom}]).language_menu is expected


@pytest.mark.parametrize(
    ("text", "choices", "payload"),
    [
        ("2", ["/a", "/b"], "/b"),
        (" 1. ", ["/a", "/b"], "/a"),
        ("٢", ["/a", "/b"], "/b"),
        ("۱", ["/a", "/b"], "/a"),
        ("২", ["/a", "/b"], "/b"),
        ("3", ["/a", "/b"], None),
        ("0", ["/a", "/b"], None),
        ("two", ["/a", "/b"], None),
        ("1", None, None),
    ],
    ids=["digit", "punctuated", "arabic-indic", "persian", "bengali", "out-of-range", "zero",
         "word", "no-menu"],
)
def test_choice_payload(text, choices, payload):
    assert choice_payload(text, choices) == payload


@pytest.mark.parametrize(("custom", "topic", "destination"), [
    ({"topic": "labour_migration", "destination_country": "Qatar"}, "labour_migration", "Qatar"),
    ({"topic": "return_support", "destination_country": None}, "return_support", None),
    ({"topic": "x" * 100}, "x" * 64, None),
    ({"other": True}, None, None),
], ids=["both", "no-country", "cut-to-column", "none"])
def test_topic_payload_for_the_reports(custom, topic, destination):
    turn = read_turn([{"text": "answer"}, {"custom": custom}])
    assert (turn.topic, turn.destination_country) == (topic, destination)
    assert turn.texts == ("answer",)
