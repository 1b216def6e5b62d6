"""What the gateway costs: the same messages straight to Rasa and through the gateway.

Starts a real Rasa server and action server on the trained model, and the gateway
under gunicorn (SQLite by default, or --database-url), then sends the same message
sequence (a) to Rasa's REST channel and (b) as signed Twilio webhooks to the
gateway. Two rounds: one sender at a time (latency without queueing: what one
migrant waits) and --concurrency senders (throughput with the 2 cores saturated).
Prints p50/p99 latency and throughput for both paths, the ratios, and whether the
targets hold: the gateway adds <= 10 ms at p50 and keeps >= 90 % of Rasa's
throughput.

    .venv/bin/python bench/gateway_vs_rasa.py [--conversations 40] [--concurrency 8]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.channels.simulator import inbound_form  # noqa: E402
from bot.channels.twilio import SignatureChecker  # noqa: E402
from bot.migrations import upgrade  # noqa: E402
from bot.privacy import new_key  # noqa: E402
from scripts.stack import Stack  # noqa: E402
from tests.conftest import free_port  # noqa: E402

TURNS = ["hello", "menu", "what can you do", "show options", "bye"]
TOKEN = "bench-rasa-token"
AUTH = "bench-auth-token"
CENTRE_NUMBER = "+12025550141"
_local = threading.local()


def session() -> requests.Session:
    if not hasattr(_local, "session"):
        _local.session = requests.Session()
    return _local.session


def run(label: str, jobs: list, send, concurrency: int) -> dict:
    """jobs: list of per-conversation message lists; each conversation is sequential."""
    latencies: list[float] = []
    lock = threading.Lock()

    def conversation(messages):
        for message in messages:
            started = time.perf_counter()
            send(message)
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(conversation, jobs))
    wall = time.perf_counter() - started
    latencies.sort()
    return {
        "label": label, "n": len(latencies), "wall": wall,
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
        "throughput": len(latencies) / wall,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--conversations", type=int, default=40)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--database-url", help="gateway database (default: temporary SQLite)")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="mrc-bench-"))
    database_url = args.database_url or f"sqlite:///{tmp / 'gateway.db'}"
    upgrade(database_url)
    stack = Stack(rasa_port=free_port(), actions_port=free_port(), gateway_port=free_port(),
                  rasa_token=TOKEN, tracker_db_url=f"sqlite:///{tmp / 'tracker.db'}",
                  log_dir=tmp / "logs")
    os.environ.update(DATABASE_URL=database_url, RASA_TOKEN=TOKEN, TWILIO_AUTH_TOKEN=AUTH,
                      DATA_ENCRYPTION_KEY=new_key(), PUBLIC_BASE_URL="", SECRET_KEY="bench",
                      LOG_LEVEL="WARNING")
    try:
        print("starting Rasa, actions and the gateway...", flush=True)
        gateway = stack.start_all()

        rasa_url = f"{stack.rasa_url}/webhooks/rest/webhook"
        webhook = f"{gateway}/webhooks/twilio/message"
        signer = SignatureChecker(AUTH)

        def to_rasa(message):
            sender, text = message
            response = session().post(rasa_url, json={"sender": sender, "message": text},
                                      timeout=30)
            response.raise_for_status()

        def to_gateway(message):
            sender, text = message
            form = inbound_form(sender, CENTRE_NUMBER, text)
            response = session().post(webhook, data=form, timeout=30,
                                      headers={"X-Twilio-Signature": signer.sign(webhook, form)})
            response.raise_for_status()
            if "<Message" not in response.text:
                raise RuntimeError("gateway answered without a bot reply")

        def jobs(prefix: str, offset: int):
            return [[(f"{prefix}{offset + i:06d}", text) for text in TURNS]
                    for i in range(args.conversations)]

        warm = [[(f"warm{i}", t) for t in TURNS] for i in range(args.concurrency)]
        run("warm-up", warm, to_rasa, args.concurrency)
        run("warm-up", [[(f"+4477009{i:05d}", t) for t in TURNS] for i in range(
            args.concurrency)], to_gateway, args.concurrency)

        rounds = []
        for concurrency in (1, args.concurrency):
            tag = f"c{concurrency}-"
            rounds.append((
                concurrency,
                run("Rasa REST channel", jobs(f"bench-{tag}", 0), to_rasa, concurrency),
                run("gateway (signed webhook)", jobs(f"+44770{concurrency:02d}", 0),
                    to_gateway, concurrency),
            ))
    finally:
        stack.stop()

    print(f"\nmachine: {platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}; gateway DB: {database_url.split(':')[0]}; "
          f"{args.conversations} conversations x {len(TURNS)} turns, "
          f"concurrency {args.concurrency}")
    print(f"{'senders':>7} {'path':26} {'n':>5} {'p50 ms':>8} {'p99 ms':>8} {'msg/s':>7}")
    for concurrency, rasa, via in rounds:
        for r in (rasa, via):
            print(f"{concurrency:7d} {r['label']:26} {r['n']:5d} {r['p50']:8.1f} "
                  f"{r['p99']:8.1f} {r['throughput']:7.1f}")
    (_, rasa1, via1), (_, rasa_n, via_n) = rounds
    added = via1["p50"] - rasa1["p50"]
    kept = via_n["throughput"] / rasa_n["throughput"]
    print(f"gateway adds {added:.1f} ms at p50, one sender at a time (target <= 10 ms): "
          f"{'met' if added <= 10 else 'MISSED'}")
    print(f"with {args.concurrency} senders it adds {via_n['p50'] - rasa_n['p50']:.1f} ms at "
          f"p50 and keeps {kept:.0%} of Rasa's throughput (target >= 90%): "
          f"{'met' if kept >= 0.9 else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
