"""Load: N concurrent migrants (default 200) writing at once, 5 % of the webhooks
delivered twice (Twilio's retries), real Rasa and action server behind the gateway.

Sends every message as a signed Twilio webhook to the gateway (gunicorn), then the
same messages straight to Rasa's REST channel with the same concurrency, and prints:
throughput and p50/p99 latency of both, the ratio, how many answers were the holding
reply (Rasa slower than RASA_TIMEOUT), and the integrity checks read back from the
database — stored = sent (unique MessageSids), duplicate replies = 0 (every retry got
the first delivery's TwiML, and no outbound row exists beyond the first replies).
Targets (issue 6): >= 90 % of bare Rasa's throughput, p99 < 2 s, zero lost, zero
doubled. The script reports what it measured; it exits 1 only if a message was lost
or a reply doubled.

    .venv/bin/python bench/load.py [--senders 200] [--turns 3] [--duplicates 0.05]
                                   [--database-url postgresql+psycopg://...]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from sqlalchemy import create_engine, func, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.channels.simulator import inbound_form  # noqa: E402
from bot.channels.twilio import SignatureChecker  # noqa: E402
from bot.conversations.models import INBOUND, OUTBOUND, Message  # noqa: E402
from bot.migrations import upgrade  # noqa: E402
from bot.privacy import new_key  # noqa: E402
from scripts.stack import Stack  # noqa: E402
from tests.conftest import free_port  # noqa: E402

TURNS = ["hello", "how can i work abroad legally", "menu", "thanks bye"]
TOKEN, AUTH = "bench-rasa-token", "bench-auth-token"
CENTRE_NUMBER = "+12025550141"
_local = threading.local()


def http() -> requests.Session:
    if not hasattr(_local, "session"):
        _local.session = requests.Session()
        _local.session.trust_env = False
    return _local.session


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * q))]


def replies_of(twiml: str) -> list[str]:
    return [m.text or "" for m in ET.fromstring(twiml).iter("Message")]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--senders", type=int, default=200)
    parser.add_argument("--turns", type=int, default=3, help=f"messages each (max {len(TURNS)})")
    parser.add_argument("--duplicates", type=float, default=0.05)
    parser.add_argument("--database-url", help="gateway database (default: temporary SQLite)")
    args = parser.parse_args()
    turns = TURNS[:args.turns]
    rng = random.Random(7)

    tmp = Path(tempfile.mkdtemp(prefix="mrc-load-"))
    database_url = args.database_url or f"sqlite:///{tmp / 'gateway.db'}"
    upgrade(database_url)
    stack = Stack(rasa_port=free_port(), actions_port=free_port(), gateway_port=free_port(),
                  rasa_token=TOKEN, tracker_db_url=f"sqlite:///{tmp / 'tracker.db'}",
                  log_dir=tmp / "logs")
    os.environ.update(DATABASE_URL=database_url, RASA_TOKEN=TOKEN, TWILIO_AUTH_TOKEN=AUTH,
                      DATA_ENCRYPTION_KEY=new_key(), PUBLIC_BASE_URL="", SECRET_KEY="bench",
                      LOG_LEVEL="WARNING", TRACKER_DB_URL=stack.tracker_db_url)
    lock = threading.Lock()
    results = {"gateway": [], "rasa": []}  # latencies in seconds
    first_reply: dict[str, str] = {}
    retry_replies: list[tuple[str, str]] = []
    errors: list[str] = []
    try:
        print("starting Rasa, actions and the gateway...", flush=True)
        gateway = stack.start_all()
        webhook = f"{gateway}/webhooks/twilio/message"
        rasa_url = f"{stack.rasa_url}/webhooks/rest/webhook"
        signer = SignatureChecker(AUTH)
        holding = 0

        def post(form: dict) -> str:
            response = http().post(webhook, data=form, timeout=60,
                                   headers={"X-Twilio-Signature": signer.sign(webhook, form)})
            if response.status_code != 200:
                raise RuntimeError(f"gateway answered {response.status_code}")
            return response.text

        def migrant(index: int) -> None:
            nonlocal holding
            sender = f"+4477009{index:05d}"
            for text in turns:
                form = inbound_form(sender, CENTRE_NUMBER, text)
                retry = rng.random() < args.duplicates
                started = time.perf_counter()
                try:
                    if retry:  # Twilio's retry arrives while the first is in flight
                        with ThreadPoolExecutor(2) as both:
                            first, second = both.map(post, [form, dict(form)])
                    else:
                        first, second = post(form), None
                except (requests.RequestException, RuntimeError) as exc:
                    with lock:
                        errors.append(f"{type(exc).__name__}: {exc}")
                    continue
                elapsed = time.perf_counter() - started
                with lock:
                    results["gateway"].append(elapsed)
                    first_reply[form["MessageSid"]] = first
                    if second is not None:
                        retry_replies.append((first, second))
                    if "cannot answer right now" in first:
                        holding += 1

        def rasa_migrant(index: int) -> None:
            for text in turns:
                started = time.perf_counter()
                try:
                    http().post(rasa_url, json={"sender": f"load-{index}", "message": text},
                                timeout=60).raise_for_status()
                except requests.RequestException as exc:
                    with lock:
                        errors.append(f"rasa {type(exc).__name__}")
                    continue
                with lock:
                    results["rasa"].append(time.perf_counter() - started)

        walls = {}
        for name, work in (("gateway", migrant), ("rasa", rasa_migrant)):
            started = time.perf_counter()
            with ThreadPoolExecutor(args.senders) as pool:
                list(pool.map(work, range(args.senders)))
            walls[name] = time.perf_counter() - started
    finally:
        stack.stop()

    engine = create_engine(database_url)
    with engine.connect() as conn:
        stored = conn.scalar(select(func.count()).select_from(Message).where(
            Message.direction == INBOUND))
        outbound = conn.scalar(select(func.count()).select_from(Message).where(
            Message.direction == OUTBOUND))
    engine.dispose()
    expected_out = sum(len(replies_of(t)) for t in first_reply.values())
    doubled = sum(1 for a, b in retry_replies if b != a and replies_of(b))
    sent = len(first_reply)

    print(f"\nmachine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}; gateway: gunicorn 2 workers x 8 threads, DB "
          f"{database_url.split(':')[0]}; {args.senders} senders x {len(turns)} messages, "
          f"{len(retry_replies)} delivered twice")
    print(f"{'path':10} {'n':>5} {'msg/s':>7} {'p50 ms':>8} {'p99 ms':>8}")
    for name in ("rasa", "gateway"):
        lat = results[name]
        print(f"{name:10} {len(lat):5d} {len(lat) / walls[name]:7.1f} "
              f"{statistics.median(lat) * 1000:8.0f} {percentile(lat, 0.99) * 1000:8.0f}")
    ratio = (len(results["gateway"]) / walls["gateway"]) / (len(results["rasa"]) / walls["rasa"])
    p99 = percentile(results["gateway"], 0.99)
    print(f"gateway keeps {ratio:.0%} of Rasa's throughput (target >= 90 %); "
          f"p99 {p99:.2f} s (target < 2 s); {holding} answers were the holding reply "
          f"(Rasa slower than RASA_TIMEOUT)")
    print(f"stored {stored} of {sent} sent (lost {sent - stored}); outbound rows "
          f"{outbound}, first replies had {expected_out} parts (extra {outbound - expected_out}); "
          f"retries answered differently: {doubled}; request errors: {len(errors)}")
    for line in sorted(set(errors))[:5]:
        print("  error:", line)
    return 1 if stored != sent or outbound != expected_out or doubled or errors else 0


if __name__ == "__main__":
    sys.exit(main())
