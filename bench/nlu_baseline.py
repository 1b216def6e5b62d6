"""A linear baseline for the NLU data: how far a plain classifier gets on the same examples.

TF-IDF of character n-grams (1-4, within words) and of whole words, a linear SVM, 3
stratified folds (by intent and language); F1 per intent and language as in
`bench/nlu_eval.py`. It takes seconds where `make nlu-eval` takes most of an hour, so it
answers "did this data change help?" quickly; it is not the model the bot runs, so the
targets are judged on `make nlu-eval` only. Runs in the Rasa environment (scikit-learn):

    .venv-rasa/bin/python bench/nlu_baseline.py [--fraction 0.8]

`--fraction` trains on that share of each training fold (a learning curve).
"""

from __future__ import annotations

import argparse
import random
from collections import defaultdict

from nlu_eval import examples, f1_scores
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline, make_union
from sklearn.svm import LinearSVC


def classifier():
    def tfidf(**options):
        return TfidfVectorizer(sublinear_tf=True, **options)

    return make_pipeline(make_union(tfidf(analyzer="char_wb", ngram_range=(1, 4)),
                                    tfidf(token_pattern=r"\S+")), LinearSVC(C=0.5))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fraction", type=float, default=1.0)
    args = parser.parse_args()
    data = examples()
    texts = [text.lower() for text, _, _ in data]
    strata = [f"{intent}/{language}" for _, intent, language in data]
    predicted = [""] * len(data)
    sample = random.Random(0)
    for train, test in StratifiedKFold(3, shuffle=True, random_state=0).split(texts, strata):
        train = [i for i in train if sample.random() < args.fraction]
        model = classifier().fit([texts[i] for i in train], [data[i][1] for i in train])
        for i, intent in zip(test, model.predict([texts[i] for i in test]), strict=True):
            predicted[i] = intent
    by_language = defaultdict(list)
    for (_, intent, language), guess in zip(data, predicted, strict=True):
        by_language[language].append((intent, guess))
        by_language["all"].append((intent, guess))
    macro = {lang: sum(s.values()) / len(s) for lang, s in
             ((lang, f1_scores(pairs)) for lang, pairs in by_language.items())}
    print(f"linear baseline, {len(data)} examples, training share {args.fraction}")
    print("macro-F1 " + "  ".join(f"{lang} {macro[lang]:.3f}" for lang in sorted(macro)))


if __name__ == "__main__":
    main()
