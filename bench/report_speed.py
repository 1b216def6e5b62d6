"""How long an activity report takes over a large database: generates N conversations
(default 100,000: one person each, two messages with a theme, every tenth with a case)
spread over a year and several centres, then times `figures.build` for all centres and
one centre over two months and over the whole year. Target (issue 7): under 30 s
for 100,000 conversations.

    .venv/bin/python bench/report_speed.py [--conversations 100000] [--database-url URL]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.conversations.models import Contact, Conversation, Message  # noqa: E402
from bot.db import Database  # noqa: E402
from bot.migrations import upgrade  # noqa: E402
from bot.queue.models import Escalation  # noqa: E402
from bot.reports import figures  # noqa: E402

CENTRES = ["PK-ISB", "PK-LHE", "PK-PEW", "BD-DHK", "IQ-BGD", "TJ-DYU", "KG-OSH", "LK-BTC"]
LANGUAGES = ["ur", "en", "bn", "ar", "ckb", "ru", "tg", "ky", "ps", "fa", "si", "ta", "uz"]
YEAR_START = datetime(2026, 1, 1, tzinfo=UTC)


def generate(db: Database, n: int, rng: random.Random) -> None:
    contacts, conversations, messages, cases = [], [], [], []
    for i in range(1, n + 1):
        opened = YEAR_START + timedelta(minutes=rng.randrange(365 * 24 * 60))
        cid = uuid.uuid4().hex
        centre = rng.choice(CENTRES)
        contacts.append({"id": i, "phone_hash": f"bench{i}", "phone_encrypted": b"x",
                         "gender": rng.choice(["male", "female", "unsaid", None]),
                         "created_on": opened})
        channel = rng.choice(["sms", "whatsapp"])
        conversations.append({"id": cid, "contact_id": i, "channel": channel, "centre": centre,
                              "language": rng.choice(LANGUAGES), "bot_paused": False,
                              "opened_on": opened, "last_activity_on": opened})
        topic = rng.choice(figures.THEMES)
        for k in range(2):
            messages.append({"conversation_id": cid, "direction": "in", "author": "migrant",
                             "topic": topic, "status": "replied",
                             "destination_country": rng.choice(sorted(figures.DESTINATIONS)),
                             "created_on": opened + timedelta(minutes=k)})
        if i % 10 == 0:
            cases.append({"conversation_id": cid, "centre": centre, "status": "closed",
                          "priority": "normal", "reason": "migrant_request", "topic": topic,
                          "opened_on": opened, "assigned_on": opened + timedelta(minutes=9),
                          "closed_on": opened + timedelta(minutes=40),
                          "last_activity_on": opened + timedelta(minutes=40),
                          "outcome": "referred", "referral": "legal_aid"})
    with db.session() as s:
        for table, rows in ((Contact, contacts), (Conversation, conversations),
                            (Message, messages), (Escalation, cases)):
            for start in range(0, len(rows), 20000):
                s.execute(insert(table.__table__), rows[start:start + 20000])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'report.db'}"
    if url.startswith("postgresql"):
        db = Database(url)
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        db.dispose()
    upgrade(url)
    db = Database(url)
    started = time.perf_counter()
    generate(db, args.conversations, random.Random(1))
    print(f"generated {args.conversations} conversations in {time.perf_counter() - started:.1f} s "
          f"({url.split(':')[0]}; {platform.machine()}, {os.cpu_count()} cores)")
    worst = 0.0
    for centre, start, end in ((None, date(2026, 4, 1), date(2026, 5, 31)),
                               ("PK-ISB", date(2026, 4, 1), date(2026, 5, 31)),
                               (None, date(2026, 1, 1), date(2026, 12, 31))):
        started = time.perf_counter()
        with db.session() as s:
            report = figures.build(s, centre, start, end)
        took = time.perf_counter() - started
        worst = max(worst, took)
        people = next(t for t in report.tables if t.name == "people").total
        print(f"report {centre or 'all centres'} {start} to {end}: {took:.2f} s "
              f"({people} people)")
    db.dispose()
    print(f"slowest {worst:.2f} s (target < 30 s): {'met' if worst < 30 else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
