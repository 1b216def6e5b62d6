"""flows/: the content is complete, fits SMS, and broken content is reported by line."""

from __future__ import annotations

import shutil

import pytest

from actions.content import LANGUAGES, load, main_menu, topic_answer
from actions.content_check import THEMES, budget_report, check
from bot.config import ROOT

FLOWS = ROOT / "flows"


def test_shipped_content_is_complete_and_every_sms_fits():
    assert check(FLOWS) == []
    content = load(FLOWS)
    assert set(content.topics) == set(THEMES)
    assert budget_report(content) == []


def test_every_rendered_flow_is_at_most_three_segments():
    content = load(FLOWS)
    for language in LANGUAGES:
        messages = [main_menu(content, language)]
        for topic in content.topics.values():
            for detail in (None, *(d.key for d in topic.details)):
                messages += topic_answer(content, topic, language, "PK", detail)
        for message in messages:
            assert len(message.as_sms().encode("utf-16-le")) // 2 <= 201, (language, message)


def test_flows_check_command_passes(app):
    result = app.test_cli_runner().invoke(args=["flows", "check"])
    assert result.exit_code == 0, result.output
    assert "flows OK: 6 topics" in result.output
    assert "await review by a native-speaking counsellor" in result.output


@pytest.fixture
def broken(tmp_path):
    """A copy of flows/ to break."""
    target = tmp_path / "flows"
    shutil.copytree(FLOWS, target)
    return target


def _replace(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        ("topics/legal_pathways.yml", '  ru: {text: "', '  xx: {text: "',
         "missing translation 'ru'"),
        ("topics/legal_pathways.yml", "topic: legal_pathways", "topic: visas",
         "unknown topic 'visas'"),
        ("topics/return_support.yml", "  en: \"Tell a counsellor your skills",
         "  en: \"" + "very long " * 25 + "Tell a counsellor your skills",
         "over the SMS budget"),
        ("dialogue.yml", "assistant of {centre}", "assistant of {center}",
         "placeholders ['center'] differ"),
        ("dialogue.yml", "welcome:", "welcome: [", "unreadable"),
        ("topics/check_job_offer.yml", "  PK:", "  XX:", "unknown country 'XX'"),
    ],
    ids=["missing-translation", "unknown-topic", "over-budget", "placeholder",
         "bad-yaml", "unknown-country"],
)
def test_problems_are_reported_with_file_and_line(broken, file, old, new, message):
    _replace(broken / file, old, new)
    problems = check(broken)
    assert problems, "the broken content must be reported"
    found = [p for p in problems if message in p.message]
    assert found, [str(p) for p in problems]
    assert found[0].file == f"flows/{file}"
    line = found[0].line
    source = (broken / file).read_text(encoding="utf-8").splitlines()
    assert 1 <= line <= len(source)
