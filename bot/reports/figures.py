"""The figures of an activity report, counted in the database (counting rules in the
README, "Activity reports"). Only aggregates leave this module: no text, no number,
no id.

Counting rules, in short: a person is a contact (one phone number); a person is
counselled in the period if they wrote at least once in it, and counted once per
period however many channels, conversations or messages; "with a counsellor" if a
counsellor took one of their cases or wrote to them in the period, "bot only"
otherwise. Themes count conversations; destinations and returnees count people.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from bot.conversations.models import COUNSELLOR, INBOUND, OUTBOUND, Contact, Conversation, Message
from bot.queue.models import OPEN, REFERRED, Escalation
from bot.reports.suppression import HIDDEN, THRESHOLD, shown_total, suppress

THEMES = ("legal_pathways", "labour_migration", "trafficking_risks", "report_exploitation",
          "return_support", "humanitarian_pathways", "check_job_offer")
GENDERS = (("male", "Male"), ("female", "Female"), ("other", "Other"),
           ("unsaid", "Preferred not to say"), (None, "Not asked"))
RETURN_THEME = "return_support"
# the canonical destination_country values of the NLU data (a test keeps them in step):
# anything else the entity extractor returned is the migrant's own words, never exported
DESTINATIONS = frozenset((
    "Australia", "Bahrain", "Canada", "Cyprus", "France", "Germany", "Greece", "Iran", "Italy",
    "Japan", "Jordan", "Kazakhstan", "Kuwait", "Libya", "Malaysia", "Oman", "Poland",
    "Portugal", "Qatar", "Romania", "Russia", "Saudi Arabia", "South Korea", "Spain",
    "Turkey", "United Arab Emirates", "United Kingdom", "United States"))
RISE_FACTOR, RISE_MINIMUM = 2.0, THRESHOLD  # a week >= 2x the mean of the 4 before, and >= 5


@dataclass
class Table:
    name: str  # file name of its CSV
    title: str
    header: tuple[str, str]
    rows: list[tuple[str, int | str]]
    total: int | str | None = None
    note: str = ""


@dataclass
class Trend:
    """Conversations per theme per ISO week; rises flagged."""

    weeks: list[date]  # Mondays
    counts: dict[str, list[int | str]]  # theme -> shown count per week
    rises: list[tuple[str, date]] = field(default_factory=list)


@dataclass
class Report:
    centre: str | None
    start: date
    end: date
    tables: list[Table]
    trend: Trend
    medians: dict[str, str]


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    return (datetime.combine(start, datetime.min.time(), UTC),
            datetime.combine(end + timedelta(days=1), datetime.min.time(), UTC))


def build(session: Session, centre: str | None, start: date, end: date) -> Report:
    since, until = _bounds(start, end)
    where_centre = [Conversation.centre == centre] if centre else []
    in_period = and_(Message.created_on >= since, Message.created_on < until)

    inbound = session.execute(
        select(Conversation.contact_id, Conversation.id, Conversation.channel,
               Conversation.language, Message.topic, Message.destination_country,
               Message.created_on, Contact.gender)
        .join(Message, Message.conversation_id == Conversation.id)
        .join(Contact, Contact.id == Conversation.contact_id)
        .where(Message.direction == INBOUND, in_period, *where_centre)).all()
    people = {row.contact_id for row in inbound}

    human = set(session.scalars(
        select(Conversation.contact_id).join(Message, Message.conversation_id == Conversation.id)
        .where(Message.direction == OUTBOUND, Message.author == COUNSELLOR, in_period,
               *where_centre)))
    cases = session.execute(
        select(Escalation, Conversation.contact_id)
        .join(Conversation, Conversation.id == Escalation.conversation_id)
        .where(*([Escalation.centre == centre] if centre else []))).all()
    taken_in_period = [(e, who) for e, who in cases
                       if e.assigned_on is not None and since <= e.assigned_on < until]
    human |= {who for _, who in taken_in_period}
    human &= people

    genders = {row.contact_id: row.gender for row in inbound}  # joined: no huge IN list

    tables = [
        _table("people", "Online counselled clients", ("", "people"), {
            "With a counsellor": len(human), "Bot only": len(people - human)}, len(people)),
        _table("people_by_gender", "Online counselled clients by gender", ("gender", "people"),
               {label: sum(1 for p in people if genders.get(p) == key)
                for key, label in GENDERS}, len(people)),
        _table("people_by_channel", "People by channel", ("channel", "people"),
               _people_per(inbound, "channel"),
               note="A person who wrote on both channels is counted in each."),
        _table("people_by_language", "People by language", ("language", "people"),
               _people_per(inbound, "language"),
               note="A person who wrote in several languages is counted in each."),
        _table("conversations_by_theme", "Counselling services by theme",
               ("theme", "conversations"), _themes(inbound, cases, since, until)),
    ]
    opened = [e for e, _ in cases if since <= e.opened_on < until]
    tables.append(_table("escalations_by_reason", "Chats passed to a counsellor, by reason",
                         ("reason", "chats"), Counter(e.reason for e in opened), len(opened)))
    tables.append(_table("escalations_by_priority", "Chats passed to a counsellor, by priority",
                         ("priority", "chats"), Counter(e.priority for e in opened),
                         len(opened)))
    closed = [(e, who) for e, who in cases
              if e.closed_on is not None and since <= e.closed_on < until]
    referred = [(e, who) for e, who in closed if e.outcome == REFERRED]
    partners: dict[str, set] = defaultdict(set)
    for e, who in referred:
        partners[e.referral or "not recorded"].add(who)
    tables.append(_table("referrals_by_partner", "Referral services", ("partner", "people"),
                         {k: len(v) for k, v in partners.items()},
                         len({who for _, who in referred})))
    returnees = {r.contact_id for r in inbound if r.topic == RETURN_THEME} | {
        who for e, who in cases if e.topic == RETURN_THEME and since <= e.opened_on < until}
    tables.append(_table("returnees", "Returnees provided with counselling",
                         ("", "people"), {"Returnees counselled": len(returnees & people)}))
    destinations: dict[str, set] = defaultdict(set)
    for r in inbound:
        if r.destination_country in DESTINATIONS:
            destinations[r.destination_country].add(r.contact_id)
    top = dict(sorted(((k, len(v)) for k, v in destinations.items()),
                      key=lambda kv: (-kv[1], kv[0]))[:10])
    tables.append(_table("top_destinations", "Destination countries asked about (top 10)",
                         ("country", "people"), top))

    waits = [(e.assigned_on - e.opened_on).total_seconds() / 60 for e, _ in taken_in_period]
    handling = [(e.closed_on - e.assigned_on).total_seconds() / 60 for e, _ in closed
                if e.assigned_on is not None]
    medians = {"Median wait for a counsellor": _median(waits),
               "Median handling time": _median(handling),
               "Chats still open at the end of the period": str(shown_total(sum(
                   1 for e, _ in cases if e.status in OPEN and e.opened_on < until)))}
    return Report(centre, start, end, tables, _trend(inbound, start, end), medians)


def _table(name, title, header, counts: dict, total: int | None = None, note="") -> Table:
    shown = suppress(dict(counts), total)
    rows = sorted(shown.items(), key=lambda kv: (-(counts[kv[0]]), kv[0])) \
        if name not in ("people", "people_by_gender") else list(shown.items())
    return Table(name, title, header, rows,
                 shown_total(total) if total is not None else None, note)


def _people_per(inbound, attribute: str) -> dict[str, int]:
    seen: dict[str, set] = defaultdict(set)
    for row in inbound:
        seen[getattr(row, attribute) or "unknown"].add(row.contact_id)
    return {k: len(v) for k, v in seen.items()}


def _themes(inbound, cases, since, until) -> dict[str, int]:
    conversations: dict[str, set] = {theme: set() for theme in THEMES}
    for row in inbound:
        if row.topic in conversations:
            conversations[row.topic].add(row.id)
    for e, _ in cases:  # the crisis path answers without a topic message: its case has one
        if e.topic in conversations and since <= e.opened_on < until:
            conversations[e.topic].add(e.conversation_id)
    return {theme: len(ids) for theme, ids in conversations.items()}


def _median(minutes: list[float]) -> str:
    if len(minutes) < THRESHOLD:
        return f"{HIDDEN} cases"
    return f"{statistics.median(minutes):.0f} min ({len(minutes)} cases)"


def _trend(inbound, start: date, end: date) -> Trend:
    first = start - timedelta(days=start.weekday())
    weeks = []
    week = first
    while week <= end:
        weeks.append(week)
        week += timedelta(days=7)
    per: dict[str, list[set]] = {theme: [set() for _ in weeks] for theme in THEMES}
    for row in inbound:
        if row.topic in per:
            day = row.created_on.date()
            per[row.topic][(day - first).days // 7].add(row.id)
    counts, rises = {}, []
    for theme, buckets in per.items():
        sizes = [len(b) for b in buckets]
        for i, size in enumerate(sizes):
            before = sizes[max(0, i - 4):i]
            if before and size >= RISE_MINIMUM and size >= RISE_FACTOR * max(
                    statistics.mean(before), 1):
                rises.append((theme, weeks[i]))
        # against the theme's period total (shown in another table) as if it were this
        # row's total, so one hidden week cannot be worked out by subtraction
        counts[theme] = list(suppress(dict(enumerate(sizes)), sum(sizes)).values())
    return Trend(weeks, counts, rises)


