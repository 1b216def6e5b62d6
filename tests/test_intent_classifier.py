"""The intent model's own edges (nlu/intent_classifier.py). It needs scikit-learn and Rasa,
which live in the Rasa environment, so the checks run there and report back as JSON; the
whole pipeline on the trained model is exercised by test_integration.py."""

from __future__ import annotations

import json
import subprocess

import pytest

from bot.config import ROOT

pytestmark = pytest.mark.integration

RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"
PROBE = """
import json, sys, tempfile
from pathlib import Path
from nlu.intent_classifier import LinearIntentModel, normalise

asked = json.load(sys.stdin)
texts, intents = zip(*asked["training"])
model = LinearIntentModel.fit(list(texts), list(intents), c=1.0)
with tempfile.TemporaryDirectory() as directory:
    model.save(Path(directory))
    again = LinearIntentModel.read(Path(directory))
json.dump({"normalised": [normalise(t) for t in asked["normalise"]],
           "ranked": model.rank(asked["rank"]), "ranked_again": again.rank(asked["rank"]),
           "temperature": model.temperature}, sys.stdout)
"""
NORMALISE = [  # (typed, as the model sees it)
    ("PLEEEASE help", "pleease help"),
    ("Qatar", "qatar"),
    ("كَفِيل", "كفيل"),  # Arabic vowel marks are optional
    ("café", "cafe"),
    ("বিদেশ", "বিদেশ"),  # Bengali vowel signs are letters: kept
    ("ｋｓａ", "ksa"),  # full-width letters from some phone keyboards
]
TWO_INTENTS = [(t, "affirm") for t in ("yes", "yeah", "sure", "ok yes", "yes please", "haan")] \
    + [(t, "deny") for t in ("no", "nope", "not now", "no thanks", "nahi", "no no")]


@pytest.fixture(scope="module")
def probe():
    asked = {"training": TWO_INTENTS, "normalise": [typed for typed, _ in NORMALISE],
             "rank": ["yes", "nope not now", "haan ji"]}
    done = subprocess.run([str(RASA_PYTHON), "-c", PROBE], input=json.dumps(asked),
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


@pytest.mark.parametrize(("index", "expected"), list(enumerate(e for _, e in NORMALISE)),
                         ids=[typed for typed, _ in NORMALISE])
def test_normalise(probe, index, expected):
    assert probe["normalised"][index] == expected


def test_two_intents_get_a_probability_each(probe):
    """A two-class SVM has a single score column; both intents must still be ranked."""
    for ranking, top in zip(probe["ranked"], ("affirm", "deny", "affirm"), strict=True):
        assert [name for name, _ in ranking][0] == top
        assert sorted(name for name, _ in ranking) == ["affirm", "deny"]
        assert sum(p for _, p in ranking) == pytest.approx(1.0)
        assert ranking[0][1] > 0.5 > ranking[1][1]


def test_saved_model_ranks_as_the_trained_one(probe):
    for trained, read in zip(probe["ranked"], probe["ranked_again"], strict=True):
        assert [n for n, _ in trained] == [n for n, _ in read]
        assert [p for _, p in trained] == pytest.approx([p for _, p in read], abs=1e-6)
    assert probe["temperature"] > 0
