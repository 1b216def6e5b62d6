"""Activity reports on a generated data set with known answers (SQLite and
PostgreSQL): every table, the suppression of small cells, the trend flags, and the
exports (CSV and HTML) carrying no text, number or id."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.conversations.models import Contact, Conversation, Message
from bot.queue.models import Escalation
from bot.reports import export, figures
from bot.reports.suppression import HIDDEN, suppress

START, END = date(2026, 4, 1), date(2026, 5, 31)
RISE_WEEK = date(2026, 5, 18)  # a Monday


def at(day: date, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, 10, minute, tzinfo=UTC)


# (how many people, centre, channel, gender, language, topic, destination, day,
#  counsellor wrote, referral kind or None)
PEOPLE = [
    (7, "PK-ISB", "whatsapp", "female", "ur", "labour_migration", "Saudi Arabia", RISE_WEEK,
     False, None),
    (6, "PK-ISB", "sms", "male", "en", "return_support", "United Arab Emirates",
     date(2026, 4, 8), True, "legal_aid"),
    (2, "PK-ISB", "sms", "unsaid", "ps", "trafficking_risks", None, date(2026, 4, 20),
     False, "shelter_protection"),
    (1, "PK-ISB", "sms", None, "ps", "trafficking_risks", None, date(2026, 4, 21),
     False, None),
    (1, "PK-ISB", "sms", "male", "en", "legal_pathways", None, date(2026, 3, 15),  # before
     True, "legal_aid"),
    (3, "PK-LHE", "sms", "female", "ur", "legal_pathways", "Italy", date(2026, 4, 2),
     False, None),
]


@pytest.fixture
def data(app):
    populate(app.extensions["mrc"].db)
    return app


def populate(db) -> None:
    """PEOPLE into an empty, migrated database."""
    n = 0
    with db.session() as s:
        for count, centre, channel, gender, lang, topic, destination, day, human, referral \
                in PEOPLE:
            for _ in range(count):
                n += 1
                contact = Contact(phone_hash=f"h{n}", phone_encrypted=b"x", gender=gender)
                s.add(contact)
                s.flush()
                conversation = Conversation(contact_id=contact.id, channel=channel,
                                            centre=centre, language=lang, bot_paused=False)
                s.add(conversation)
                s.flush()
                s.add(Message(conversation_id=conversation.id, direction="in",
                              author="migrant", body="private words", topic=topic,
                              destination_country=destination, status="replied",
                              created_on=at(day)))
                if human:
                    s.add(Message(conversation_id=conversation.id, direction="out",
                                  author="counsellor", body="a reply", status="sent",
                                  created_on=at(day, 30)))
                if referral:
                    s.add(Escalation(conversation_id=conversation.id, centre=centre,
                                     status="closed", priority="normal",
                                     reason="migrant_request", topic=topic,
                                     opened_on=at(day, 1), assigned_on=at(day, 11),
                                     closed_on=at(day, 41), last_activity_on=at(day, 41),
                                     outcome="referred", referral=referral))


def build(app, centre):
    with app.extensions["mrc"].db.session() as s:
        return figures.build(s, centre, START, END)


def table(report, name):
    found = next(t for t in report.tables if t.name == name)
    return dict(found.rows), found.total


@pytest.mark.parametrize(("name", "rows", "total"), [
    ("people", {"With a counsellor": 8, "Bot only": 8}, 16),  # 6 written to + 2 cases taken
    ("people_by_gender", {"Male": 6, "Female": 7, "Other": HIDDEN,
                          "Preferred not to say": HIDDEN, "Not asked": HIDDEN}, 16),
    ("people_by_channel", {"sms": 9, "whatsapp": 7}, None),
    ("people_by_language", {"ur": 7, "en": 6, "ps": HIDDEN}, None),
    ("conversations_by_theme", {"labour_migration": 7, "return_support": 6,
                                "trafficking_risks": HIDDEN, "legal_pathways": HIDDEN,
                                "report_exploitation": HIDDEN, "check_job_offer": HIDDEN,
                                "humanitarian_pathways": HIDDEN}, None),
    # 6 + 2: "shelter" alone would be total - 6, so legal aid is hidden too
    ("referrals_by_partner", {"legal_aid": HIDDEN, "shelter_protection": HIDDEN}, 8),
    ("escalations_by_reason", {"migrant_request": 8}, 8),
    ("returnees", {"Returnees counselled": 6}, None),
    ("top_destinations", {"Saudi Arabia": 7, "United Arab Emirates": 6}, None),
], ids=lambda v: v if isinstance(v, str) else "")
def test_one_centre_table_by_table(data, name, rows, total):
    assert table(build(data, "PK-ISB"), name) == (rows, total)


def test_all_centres_count_each_person_once(data):
    report = build(data, None)
    assert table(report, "people")[1] == 19
    assert table(report, "top_destinations")[0]["Italy"] == HIDDEN


def test_waiting_and_handling_medians(data):
    medians = build(data, "PK-ISB").medians
    assert medians["Median wait for a counsellor"] == "10 min (8 cases)"
    assert medians["Median handling time"] == "30 min (8 cases)"
    assert build(data, "PK-LHE").medians["Median wait for a counsellor"] == f"{HIDDEN} cases"


def test_the_trend_flags_the_surge_week(data):
    trend = build(data, "PK-ISB").trend
    # from nothing to 7 (and to 6 in the second week of April): both are rises
    assert trend.rises == [("labour_migration", RISE_WEEK), ("return_support", date(2026, 4, 6))]
    week = trend.weeks.index(RISE_WEEK)
    assert trend.counts["labour_migration"][week] == 7
    assert trend.counts["return_support"][trend.weeks.index(date(2026, 4, 6))] == 6


@pytest.mark.parametrize(("counts", "total", "shown"), [
    ({"a": 10, "b": 3}, 13, {"a": HIDDEN, "b": HIDDEN}),
    ({"a": 10, "b": 8, "c": 3}, 21, {"a": 10, "b": HIDDEN, "c": HIDDEN}),
    ({"a": 10, "b": 2, "c": 1}, 13, {"a": 10, "b": HIDDEN, "c": HIDDEN}),
    ({"a": 3, "b": 1}, 4, {"a": HIDDEN, "b": HIDDEN}),
    ({"a": 6, "b": 0}, None, {"a": 6, "b": HIDDEN}),
    ({"a": 6, "b": 7}, 13, {"a": 6, "b": 7}),
], ids=["two-cells", "next-smallest", "two-hidden-already", "small-total", "no-total",
        "nothing-small"])
def test_suppression(counts, total, shown):
    assert suppress(counts, total) == shown


def test_exports_carry_no_text_numbers_or_ids(data, tmp_path):
    report = build(data, "PK-ISB")
    paths = export.write(report, tmp_path / "out")
    assert {p.name for p in paths} >= {"people.csv", "people_by_gender.csv", "brief.html",
                                       "theme_trend_by_week.csv"}
    with data.extensions["mrc"].db.session() as s:
        ids = [c.id for c in s.query(Conversation)]
    everything = "".join(p.read_text(encoding="utf-8") for p in paths)
    for secret in ("private words", "a reply", *ids):
        assert secret not in everything
    rows = list(csv.reader(io.StringIO((tmp_path / "out" / "people_by_gender.csv").read_text())))
    assert rows[0] == ["gender", "people"] and rows[-1] == ["Total", "16"]
    assert ["Not asked", HIDDEN] in rows
    html = (tmp_path / "out" / "brief.html").read_text()
    assert "<script" not in html and html.count("<svg") >= 5
    assert "labour migration: week of 2026-05-18" in html


def test_report_command_writes_files_and_audits_the_export(data, tmp_path):
    from bot.console.models import AuditEntry
    from tests.test_webhook_message import rows

    result = data.test_cli_runner().invoke(args=[
        "report", "--centre", "PK-ISB", "--from", "2026-04-01", "--to", "2026-05-31",
        "--out", str(tmp_path / "r")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "r" / "brief.html").exists()
    (entry,) = rows(data, AuditEntry)
    assert (entry.action, entry.subject) == ("exported", "report:PK-ISB_2026-04-01_2026-05-31")


@pytest.mark.parametrize("args", [
    ["--centre", "XX", "--from", "2026-04-01", "--to", "2026-05-31"],
    ["--from", "2026-05-31", "--to", "2026-04-01"],
    ["--from", "April", "--to", "2026-05-31"],
], ids=["unknown-centre", "reversed", "bad-date"])
def test_report_command_refuses_bad_arguments(app, args, tmp_path):
    result = app.test_cli_runner().invoke(args=["report", *args, "--out", str(tmp_path)])
    assert result.exit_code != 0


def test_an_empty_period_still_renders(app, tmp_path):
    with app.extensions["mrc"].db.session() as s:
        report = figures.build(s, "PK-ISB", START, START + timedelta(days=3))
    assert table(report, "people") == ({"With a counsellor": HIDDEN, "Bot only": HIDDEN},
                                       HIDDEN)
    assert "No notable rise" in export.html_brief(report)


def test_only_canonical_destinations_are_counted():
    """Every country value annotated in the NLU data is a known destination; a raw
    entity (the migrant's own words) never reaches a report."""
    import re

    from bot.config import ROOT

    annotated = set()
    for path in (ROOT / "data" / "nlu").glob("*.yml"):
        annotated |= set(re.findall(r'"entity": "destination_country", "value": "([^"]+)"',
                                    path.read_text(encoding="utf-8")))
    assert annotated <= figures.DESTINATIONS


def test_a_raw_destination_is_not_exported(data):
    with data.extensions["mrc"].db.session() as s:
        conversation = s.query(Conversation).first()
        s.add(Message(conversation_id=conversation.id, direction="in", author="migrant",
                      body="x", topic="legal_pathways", destination_country="my uncle's town",
                      status="replied", created_on=at(date(2026, 4, 3))))
    assert "my uncle's town" not in table(build(data, "PK-ISB"), "top_destinations")[0]


def test_a_single_small_week_is_not_recoverable_from_the_theme_total():
    from bot.reports.figures import _trend

    class Row:
        def __init__(self, conversation, day):
            self.id, self.topic, self.created_on = conversation, "legal_pathways", at(day)

    rows = [Row(f"c{i}", date(2026, 4, 1)) for i in range(7)] + \
        [Row(f"d{i}", date(2026, 4, 8)) for i in range(3)]
    trend = _trend(rows, date(2026, 4, 1), date(2026, 4, 12))
    assert trend.counts["legal_pathways"] == [HIDDEN, HIDDEN]  # 7 would give 10 - 7 = 3
