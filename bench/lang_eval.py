"""Accuracy of bot.language.detect vs plain langdetect on the labelled test sets.

tests/data/language/labelled.tsv was written alongside the detector (before its model
data, by the same author); independent.tsv was written by another author who never saw
the detector or its data. Both are reported; targets apply to each.

Run from the repository root: python bench/lang_eval.py [-v]. Exits 1 if a target is missed.
"""

import importlib
import sys
from collections import Counter
from pathlib import Path

from langdetect import DetectorFactory
from langdetect import detect as langdetect_detect
from langdetect.lang_detect_exception import LangDetectException

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
language = importlib.import_module("bot.language")
LANGDETECT_CODES = importlib.import_module("bot.language_tables").LANGDETECT_CODES

SETS = ROOT / "tests" / "data" / "language"
LABELLED = SETS / "labelled.tsv"
INDEPENDENT = SETS / "independent.tsv"
TARGET_OVERALL = 0.97  # messages of two words or more
TARGET_PER_LANGUAGE = 0.90
TARGET_SHORT = 0.99  # messages under two words, with a previous language


def load(path=LABELLED):
    """(lang, previous or None, text) rows, skipping comments and the header."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith(("#", "lang\t")) or not line.strip():
            continue
        lang, previous, text = line.split("\t")
        rows.append((lang, previous or None, text))
    return rows


def word_count(text):
    return sum(any(ch.isalpha() for ch in token) for token in text.split())


def plain_langdetect(text):
    DetectorFactory.seed = 0
    try:
        return LANGDETECT_CODES.get(langdetect_detect(text))
    except LangDetectException:
        return None


def score(rows, guess):
    """Accuracy per language, overall, confusions (on 2+ words) and short-with-previous."""
    right, total, confusions = Counter(), Counter(), Counter()
    short_right = short_total = 0
    for lang, previous, text in rows:
        got = guess(text, previous)
        if word_count(text) >= 2:
            total[lang] += 1
            right[lang] += got == lang
            if got != lang:
                confusions[lang, got] += 1
        elif previous:
            short_total += 1
            short_right += got == lang
    per_language = {lang: right[lang] / total[lang] for lang in total}
    overall = sum(right.values()) / sum(total.values())
    return per_language, total, overall, confusions, short_right / short_total, short_total


def main(verbose=False):
    failed = 0
    for path in (LABELLED, INDEPENDENT):
        print(f"== {path.name}")
        failed |= evaluate(load(path), verbose)
        print()
    return failed


def evaluate(rows, verbose):
    ours = score(rows, language.detect)
    theirs = score(rows, lambda text, previous: plain_langdetect(text))
    print(f"{'lang':6}{'n':>5}{'ours':>8}{'langdetect':>12}")
    for lang in language.LANGUAGES:
        n = ours[1][lang]
        print(f"{lang:6}{n:>5}{ours[0][lang]:>8.1%}{theirs[0][lang]:>12.1%}")
    print(f"{'all':6}{sum(ours[1].values()):>5}{ours[2]:>8.1%}{theirs[2]:>12.1%}")
    print(f"{'short':6}{ours[5]:>5}{ours[4]:>8.1%}{theirs[4]:>12.1%}  (< 2 words, previous given)")
    for name, result in (("ours", ours), ("langdetect", theirs)):
        pairs = ", ".join(f"{a}->{b} {n}" for (a, b), n in result[3].most_common(8))
        print(f"top confusions ({name}): {pairs or 'none'}")
    if verbose:
        for lang, previous, text in rows:
            got = language.detect(text, previous)
            if got != lang:
                print(f"  want {lang} got {got} (previous {previous}): {text}")
    failures = []
    if ours[2] < TARGET_OVERALL:
        failures.append(f"overall {ours[2]:.1%} < {TARGET_OVERALL:.0%}")
    failures += [
        f"{lang} {acc:.1%} < {TARGET_PER_LANGUAGE:.0%}"
        for lang, acc in ours[0].items()
        if acc < TARGET_PER_LANGUAGE
    ]
    if ours[4] < TARGET_SHORT:
        failures.append(f"short with previous {ours[4]:.1%} < {TARGET_SHORT:.0%}")
    print("targets missed: " + "; ".join(failures) if failures else "all targets met")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(verbose="-v" in sys.argv[1:]))
