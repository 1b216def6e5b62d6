"""NLU cross-validation report per intent and per language.

`make nlu-eval` runs `rasa test nlu --cross-validation` (predictions of every held-out
fold written to results/nlu/) and then this script, which splits those predictions by
the language file each example came from (data/nlu/<language>.yml) and prints F1 per
intent and language, macro-F1 per language and overall. Targets: macro-F1 >= 0.90
overall and no theme intent below 0.85 in any language. Exits 1 if a target is missed.

    .venv/bin/python bench/nlu_eval.py [results/nlu]
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
THEMES = ("legal_pathways", "labour_migration", "trafficking_risks", "report_exploitation",
          "return_support", "humanitarian_pathways", "check_job_offer")
TARGET_MACRO_F1 = 0.90
TARGET_THEME_F1 = 0.85
_ANNOTATION = re.compile(r"\[([^\]]*)\]\{[^}]*\}|\[([^\]]*)\]\([^)]*\)")


def plain(example: str) -> str:
    return _ANNOTATION.sub(lambda m: m.group(1) or m.group(2), example).strip()


def examples() -> list[tuple[str, str, str]]:
    """(text without annotations, intent, language) of every training example."""
    found = []
    for path in sorted((ROOT / "data" / "nlu").glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            for line in block.get("examples", "").splitlines():
                if "intent" in block and line.strip().startswith("- "):
                    found.append((plain(line.strip()[2:]), block["intent"], path.stem))
    return found


def languages_of_examples() -> dict[str, str]:
    found = {}
    for text, _, language in examples():
        found.setdefault(text, language)
    return found


def f1_scores(pairs: list[tuple[str, str]]) -> dict[str, float]:
    """F1 per true intent from (true, predicted) pairs."""
    tp, fp, fn = Counter(), Counter(), Counter()
    for true, predicted in pairs:
        if true == predicted:
            tp[true] += 1
        else:
            fn[true] += 1
            fp[predicted] += 1
    scores = {}
    for intent in {t for t, _ in pairs}:
        precision = tp[intent] / (tp[intent] + fp[intent]) if tp[intent] + fp[intent] else 0
        recall = tp[intent] / (tp[intent] + fn[intent]) if tp[intent] + fn[intent] else 0
        total = precision + recall
        scores[intent] = 2 * precision * recall / total if total else 0.0
    return scores


def main(results: Path) -> int:
    rows = []
    for name in ("intent_successes.json", "intent_errors.json"):
        path = results / name
        if path.exists():
            rows += json.loads(path.read_text(encoding="utf-8"))
    if not rows:
        print(f"no predictions in {results}: run `make nlu-eval`")
        return 1
    language_of = languages_of_examples()
    by_language = defaultdict(list)
    for row in rows:
        pair = (row["intent"], (row.get("intent_prediction") or {}).get("name") or "None")
        by_language[language_of.get(row["text"].strip(), "intake")].append(pair)
        by_language["all"].append(pair)
    scores = {lang: f1_scores(pairs) for lang, pairs in by_language.items()}
    intents = sorted(scores["all"])
    languages = [lang for lang in sorted(by_language) if lang not in ("all", "intake")]
    print("F1 by intent (rows) and language (columns), held-out folds")
    print(f"{'intent':22}" + "".join(f"{lang:>6}" for lang in languages) + f"{'all':>6}")
    for intent in intents:
        cells = "".join(f"{scores[lang].get(intent, float('nan')):6.2f}" for lang in languages)
        print(f"{intent:22}{cells}{scores['all'][intent]:6.2f}")
    macro = {lang: sum(scores[lang].values()) / len(scores[lang]) for lang in scores}
    print(f"{'macro-F1':22}" + "".join(f"{macro[lang]:6.2f}" for lang in languages)
          + f"{macro['all']:6.2f}")
    print(f"examples: {len(rows)}")
    missed = [f"macro-F1 {macro['all']:.3f} < {TARGET_MACRO_F1}"] if macro["all"] < \
        TARGET_MACRO_F1 else []
    missed += [f"{intent}/{lang} {scores[lang][intent]:.2f}" for lang in languages
               for intent in THEMES if scores[lang].get(intent, 1.0) < TARGET_THEME_F1]
    print("targets missed: " + ", ".join(missed) if missed else "all targets met")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "results" / "nlu"))
