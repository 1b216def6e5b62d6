"""Fault drill: messages keep streaming in while Rasa, the action server and the
database are stopped and restarted. Checks afterwards, from the database and the
replies: every message stored, every migrant answered (by the bot, or by the holding
reply with a queued escalation), no reply sent twice. It also reports replies that
reached the migrant but could not be recorded because the database went down between
storing the message and storing the answer (the gateway answers rather than fail).

Senders behave like Twilio: a webhook that fails (503 while the database is down, or
no connection) is retried with the same MessageSid until it gets 200.

The database drill restarts the local PostgreSQL cluster (pg_ctlcluster): run it on a
machine where nothing else needs that server meanwhile. With --database-url sqlite
the database step is skipped.

    .venv/bin/python bench/fault_drill.py [--senders 6] [--database-url URL]
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from sqlalchemy import create_engine, func, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.channels.simulator import inbound_form  # noqa: E402
from bot.channels.twilio import SignatureChecker  # noqa: E402
from bot.conversations.models import INBOUND, OUTBOUND, Message  # noqa: E402
from bot.migrations import upgrade  # noqa: E402
from bot.privacy import new_key  # noqa: E402
from bot.queue.models import Escalation  # noqa: E402
from scripts.stack import Stack  # noqa: E402
from tests.conftest import free_port  # noqa: E402

TOKEN, AUTH = "drill-rasa-token", "drill-auth-token"
DEFAULT_DB = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
CENTRE_NUMBER = "+12025550141"
TEXTS = ["hello", "how can i work abroad legally", "menu", "what is dunki", "thanks"]


def postgres(action: str) -> None:
    version = sorted(os.listdir("/etc/postgresql"))[0]
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action,
                    *(["-m", "fast"] if action == "stop" else [])], check=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--senders", type=int, default=6)
    parser.add_argument("--database-url", default=DEFAULT_DB)
    parser.add_argument("--step", type=float, default=12.0, help="seconds between faults")
    args = parser.parse_args()
    uses_postgres = args.database_url.startswith("postgresql")

    tmp = Path(tempfile.mkdtemp(prefix="mrc-drill-"))
    if uses_postgres:
        engine = create_engine(args.database_url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    upgrade(args.database_url)
    stack = Stack(rasa_port=free_port(), actions_port=free_port(), gateway_port=free_port(),
                  rasa_token=TOKEN, tracker_db_url=f"sqlite:///{tmp / 'tracker.db'}",
                  log_dir=tmp / "logs")
    os.environ.update(DATABASE_URL=args.database_url, RASA_TOKEN=TOKEN, TWILIO_AUTH_TOKEN=AUTH,
                      DATA_ENCRYPTION_KEY=new_key(), PUBLIC_BASE_URL="", SECRET_KEY="drill",
                      LOG_LEVEL="WARNING", TRACKER_DB_URL=stack.tracker_db_url)
    stop = threading.Event()
    lock = threading.Lock()
    answers: dict[str, list[str]] = {}  # MessageSid -> reply texts of the 200 answer
    attempts = {"total": 0, "failed": 0}
    timeline: list[str] = []
    started = time.monotonic()

    def note(event: str) -> None:
        timeline.append(f"{time.monotonic() - started:6.1f} s  {event}")
        print(timeline[-1], flush=True)

    try:
        gateway = stack.start_all()
        webhook = f"{gateway}/webhooks/twilio/message"
        signer = SignatureChecker(AUTH)

        def deliver(form: dict) -> list[str]:
            """Like Twilio: the same MessageSid again until the gateway answers 200."""
            session = requests.Session()
            while True:
                with lock:
                    attempts["total"] += 1
                try:
                    response = session.post(webhook, data=form, timeout=20, headers={
                        "X-Twilio-Signature": signer.sign(webhook, form)})
                    if response.status_code == 200:
                        return [m.text or "" for m in ET.fromstring(response.text).iter("Message")]
                except requests.RequestException:
                    pass
                with lock:
                    attempts["failed"] += 1
                time.sleep(1.0)

        def migrant(index: int) -> None:
            turn = 0
            while not stop.is_set():
                form = inbound_form(f"+4477008{index:05d}", CENTRE_NUMBER,
                                    TEXTS[turn % len(TEXTS)])
                replies = deliver(form)
                with lock:
                    answers[form["MessageSid"]] = replies
                turn += 1
                time.sleep(0.3)

        note("streaming")
        with ThreadPoolExecutor(args.senders) as pool:
            for i in range(args.senders):
                pool.submit(migrant, i)
            time.sleep(args.step)
            for name in ("rasa", "actions"):
                stack.processes[name].terminate()
                stack.processes[name].wait(30)
                note(f"{name} stopped")
                time.sleep(args.step)
                (stack.start_rasa if name == "rasa" else stack.start_actions)()
                note(f"{name} restarting")
                stack.wait_dialogue()
                note(f"{name} back")
                time.sleep(args.step)
            if uses_postgres:
                postgres("stop")
                note("PostgreSQL stopped")
                time.sleep(args.step)
                postgres("start")
                note("PostgreSQL started")
                time.sleep(args.step)
            stop.set()
        note("stopped streaming")
    finally:
        stop.set()
        stack.stop()

    engine = create_engine(args.database_url)
    with engine.connect() as conn:
        stored = set(conn.scalars(select(Message.provider_sid).where(
            Message.direction == INBOUND)))
        outbound = conn.scalar(select(func.count()).select_from(Message).where(
            Message.direction == OUTBOUND))
        escalations = conn.scalar(select(func.count()).select_from(Escalation))
    engine.dispose()
    sent = set(answers)
    unanswered = [sid for sid, replies in answers.items() if not replies]
    holding = sum(1 for r in answers.values() if any("cannot answer right now" in t for t in r))
    parts = sum(len(r) for r in answers.values())
    print(f"\nmachine: {platform.machine()}, {os.cpu_count()} cores; gateway DB "
          f"{args.database_url.split(':')[0]}; {args.senders} senders")
    print(f"messages sent {len(sent)}, stored {len(sent & stored)} (lost "
          f"{len(sent - stored)}); webhook attempts {attempts['total']}, of which failed "
          f"and retried like Twilio {attempts['failed']}")
    print(f"answered {len(sent) - len(unanswered)} (by the holding reply: {holding}; "
          f"escalations queued: {escalations}); unanswered {len(unanswered)}")
    print(f"reply parts received {parts}, outbound rows stored {outbound}: replies sent "
          f"twice {max(outbound - parts, 0)}; replies sent while the database went down "
          f"mid-answer, so not recorded: {max(parts - outbound, 0)}")
    ok = not (sent - stored) and not unanswered and outbound <= parts and (
        holding == 0 or escalations > 0)
    print("drill", "PASSED" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
