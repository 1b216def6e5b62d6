"""Time per message of bot.language.detect over the labelled set (median and p99).

Run from the repository root: python bench/language_speed.py [ROUNDS]
"""

import importlib
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
detect = importlib.import_module("bot.language").detect

LABELLED = ROOT / "tests" / "data" / "language" / "labelled.tsv"


def messages():
    """(text, previous) pairs from the labelled set."""
    pairs = []
    for line in LABELLED.read_text(encoding="utf-8").splitlines():
        if line.startswith(("#", "lang\t")) or not line.strip():
            continue
        _, previous, text = line.split("\t")
        pairs.append((text, previous or None))
    return pairs


def main(rounds=20):
    pairs = messages()
    for text, previous in pairs:  # warm-up: caches, first langdetect use
        detect(text, previous)
    timings = []
    for _ in range(rounds):
        for text, previous in pairs:
            start = time.perf_counter_ns()
            detect(text, previous)
            timings.append(time.perf_counter_ns() - start)
    timings.sort()
    median = statistics.median(timings) / 1e6
    p99 = timings[int(len(timings) * 0.99)] / 1e6
    print(f"{len(timings)} calls ({len(pairs)} messages x {rounds} rounds)")
    print(f"median {median:.3f} ms  p99 {p99:.3f} ms  max {timings[-1] / 1e6:.3f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
