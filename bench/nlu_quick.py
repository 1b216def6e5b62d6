"""A quick check of the intent classifier on the training data, in seconds.

The bot's own intent model (nlu/intent_classifier.py, without the rest of the Rasa
pipeline), 3 stratified folds (by intent and language), macro-F1 per language as in
`bench/nlu_eval.py`. It answers "did this data change help?" before the hour-long
`make nlu-eval`, whose report the targets are judged on. Runs in the Rasa environment:

    .venv-rasa/bin/python bench/nlu_quick.py [--fraction 0.8]

`--fraction` trains on that share of each training fold (a learning curve).
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import defaultdict

import yaml
from nlu_eval import ROOT, examples, f1_scores
from sklearn.model_selection import StratifiedKFold

sys.path.insert(0, str(ROOT))
from nlu.intent_classifier import LinearIntentClassifier, LinearIntentModel  # noqa: E402


def settings() -> dict:
    """The intent classifier's settings in config.yml, over its defaults."""
    pipeline = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))["pipeline"]
    (mine,) = [c for c in pipeline if c["name"].endswith(LinearIntentClassifier.__name__)]
    return LinearIntentClassifier.get_default_config() | mine


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fraction", type=float, default=1.0)
    args = parser.parse_args()
    unique = {}  # Rasa keeps one of repeated texts
    for text, intent, language in examples():
        unique.setdefault(text, (text, intent, language))
    data = list(unique.values())
    texts = [text for text, _, _ in data]
    strata = [f"{intent}/{language}" for _, intent, language in data]
    c = settings()["C"]
    predicted = [""] * len(data)
    sample = random.Random(0)
    for train, test in StratifiedKFold(3, shuffle=True, random_state=0).split(texts, strata):
        train = [i for i in train if sample.random() < args.fraction]
        model = LinearIntentModel.fit([texts[i] for i in train], [data[i][1] for i in train], c)
        for i, ranking in zip(test, model.rank([texts[i] for i in test]), strict=True):
            predicted[i] = ranking[0][0]
    by_language = defaultdict(list)
    for (_, intent, language), guess in zip(data, predicted, strict=True):
        by_language[language].append((intent, guess))
        by_language["all"].append((intent, guess))
    macro = {lang: sum(s.values()) / len(s) for lang, s in
             ((lang, f1_scores(pairs)) for lang, pairs in by_language.items())}
    print(f"intent model, {len(data)} examples, training share {args.fraction}")
    print("macro-F1 " + "  ".join(f"{lang} {macro[lang]:.3f}" for lang in sorted(macro)))


if __name__ == "__main__":
    main()
