"""Custom actions on the real action server: one tracker JSON per scenario.

Each file in tests/data/trackers/ is what Rasa would post to the action server's
/webhook for one situation; the expected texts are looked up in flows/ for the
scenario's language and centre, so a wrong language, country or text fails.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests
import yaml

from actions.content import load, main_menu, topic_answer
from bot.config import ROOT

pytestmark = pytest.mark.integration
TRACKERS = Path(__file__).parent / "data" / "trackers"
CONTENT = load(ROOT / "flows")
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
CENTRES = {c["code"]: c for c in yaml.safe_load(
    (ROOT / "centres.yml").read_text(encoding="utf-8"))["centres"]}


def run(dialogue, scenario: str) -> dict:
    body = json.loads((TRACKERS / f"{scenario}.json").read_text(encoding="utf-8"))
    body.update(sender_id="test-conversation", domain=DOMAIN, version="3.6.2")
    response = requests.post(f"http://127.0.0.1:{dialogue.actions_port}/webhook",
                             json=body, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def texts(result) -> list[str]:
    return [r["text"] for r in result["responses"] if r.get("text")]


def buttons(result) -> list[list[str]]:
    return [[b["title"] for b in r["buttons"]] for r in result["responses"] if r.get("buttons")]


def handoff(result) -> dict | None:
    return next((r["custom"]["handoff"] for r in result["responses"]
                 if (r.get("custom") or {}).get("handoff")), None)


def event_names(result) -> list[str]:
    return [e["event"] for e in result["events"]]


def test_welcome_in_urdu_with_centre_privacy_and_menu(dialogue):
    result = run(dialogue, "welcome_ur")
    menu = main_menu(CONTENT, "ur")
    assert texts(result) == [CONTENT.say("welcome", "ur", centre=CENTRES["PK-ISB"]["name"]),
                             CONTENT.say("privacy", "ur"), menu.text]
    assert buttons(result) == [[title for title, _ in menu.buttons]]
    assert len(menu.buttons) == 8


@pytest.mark.parametrize(
    ("scenario", "topic", "language", "country", "detail"),
    [("topic_labour_pk", "labour_migration", "en", "PK", None),
     ("topic_labour_af", "labour_migration", "en", "AF", None),
     ("topic_detail_ru", "legal_pathways", "ru", "TJ", "study")],
    ids=["pakistan-note", "no-note-for-afghanistan", "detail-in-russian"],
)
def test_topic_answer_country_note_and_next_steps(dialogue, scenario, topic, language,
                                                  country, detail):
    result = run(dialogue, scenario)
    expected = topic_answer(CONTENT, CONTENT.topics[topic], language, country, detail)
    assert texts(result) == [m.text for m in expected]
    assert buttons(result) == [[t for t, _ in expected[-1].buttons]]
    assert {"event": "slot", "name": "topic", "value": topic} in [
        {k: e.get(k) for k in ("event", "name", "value")} for e in result["events"]]
    if scenario == "topic_labour_pk":
        assert "Protector of Emigrants" in texts(result)[1]
    if scenario == "topic_labour_af":
        assert len(texts(result)) == 2, "no country note where the facts are general"


def test_first_message_of_a_session_brings_welcome_and_privacy_first(dialogue):
    result = run(dialogue, "topic_first_message")
    expected = topic_answer(CONTENT, CONTENT.topics["labour_migration"], "en", "PK")
    assert texts(result) == [CONTENT.say("welcome", "en", centre=CENTRES["PK-ISB"]["name"]),
                             CONTENT.say("privacy", "en"), *(m.text for m in expected)]


def test_first_message_in_danger_gets_safety_before_the_privacy_notice(dialogue):
    result = run(dialogue, "crisis_first_message")
    assert texts(result)[0] == CONTENT.say("crisis", "ar")
    assert texts(result)[-1] == CONTENT.say("privacy", "ar")


def test_crisis_in_arabic_with_example_contacts_and_urgent_handoff(dialogue):
    result = run(dialogue, "crisis_ar")
    crisis, contacts = texts(result)
    assert crisis == CONTENT.say("crisis", "ar")
    assert CENTRES["IQ-BGD"]["contacts"][0]["phone"] in contacts
    assert "(EXAMPLE)" in contacts, "sample numbers are never shown as real"
    assert handoff(result)["priority"] == "urgent"
    assert "pause" in event_names(result)


@pytest.mark.parametrize(
    ("scenario", "language", "offers_counsellor"),
    [("fallback_once", "en", False), ("fallback_twice", "bn", True)],
    ids=["first", "second-in-a-row"],
)
def test_fallback_offers_a_counsellor_the_second_time(dialogue, scenario, language,
                                                      offers_counsellor):
    result = run(dialogue, scenario)
    if offers_counsellor:
        assert texts(result) == [CONTENT.say("fallback_again", language)]
        assert buttons(result) == [[CONTENT.say("talk_to_counsellor", language),
                                    CONTENT.say("main_menu", language)]]
    else:
        assert texts(result)[0] == CONTENT.say("fallback", language)


def test_intake_with_consent_hands_over_with_answers(dialogue):
    result = run(dialogue, "intake_consent")
    assert texts(result) == [CONTENT.say("handoff_ack", "ta")]
    assert handoff(result) == {"priority": "normal", "reason": "migrant_request",
                               "topic": "check_job_offer", "gender": "female",
                               "age_band": "18_29"}
    assert "pause" in event_names(result)


def test_intake_without_consent_calls_nobody(dialogue):
    result = run(dialogue, "intake_no_consent")
    assert texts(result)[0] == CONTENT.say("consent_declined", "en")
    assert handoff(result) is None and "pause" not in event_names(result)


def test_intake_question_in_kyrgyz_is_skippable(dialogue):
    result = run(dialogue, "ask_gender_ky")
    assert texts(result) == [CONTENT.say("gender_question", "ky")]
    (options,) = buttons(result)
    assert options[-1] == CONTENT.say("skip", "ky")
    payloads = [b["payload"] for r in result["responses"] for b in r.get("buttons") or []]
    assert payloads[-1] == '/inform{"gender": "unsaid"}'


def test_delete_request_asks_the_gateway_to_confirm(dialogue):
    result = run(dialogue, "delete_request")
    assert texts(result) == []
    assert {"erasure": True} in [m.get("custom") for m in result["responses"]]
    assert "pause" not in event_names(result), "the bot keeps answering until erasure"


def test_language_menu_is_left_to_the_gateway(dialogue):
    result = run(dialogue, "language_menu")
    assert texts(result) == [CONTENT.say("language_prompt", "ps")]
    assert {"language_menu": True} in [r.get("custom") for r in result["responses"]]


def test_bot_challenge_names_the_centre(dialogue):
    result = run(dialogue, "bot_challenge")
    assert texts(result) == [CONTENT.say("bot_challenge", "en",
                                         centre=CENTRES["LK-BTC"]["name"])]
