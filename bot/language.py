"""Which of our 13 languages a migrant's message is in, and explicit language switches.

detect() looks at the script first (Bengali, Tamil and Sinhala decide alone), then ranks the
languages sharing the message's script (Latin, Arabic, Cyrillic) with a character n-gram
model built from bot/language_data/, marker letters and function-word lexicons; langdetect
adds its opinion on longer texts the ranking leaves close. Short or unclear messages keep
the conversation's language.
"""

import unicodedata
from collections import Counter, defaultdict
from functools import lru_cache
from pathlib import Path

from langdetect import DetectorFactory
from langdetect.detector_factory import PROFILES_DIRECTORY
from langdetect.lang_detect_exception import LangDetectException

from bot.language_model import NgramModel
from bot.language_tables import (
    FILLER_WORDS,
    LANGDETECT_CODES,
    LANGUAGE_NAMES,
    LANGUAGE_WORDS,
    LEXICONS,
    MARKERS,
    NATIVE_SCRIPTS,
    NEUTRAL_WORDS,
    SCRIPT_LANGUAGE,
    SCRIPT_RANGES,
)

LANGUAGES = ("en", "ur", "fa", "ps", "bn", "ar", "ckb", "ru", "tg", "ky", "uz", "si", "ta")

NATIVE_NAMES = {
    "en": "English",
    "ur": "اردو",
    "fa": "دری",
    "ps": "پښتو",
    "bn": "বাংলা",
    "ar": "العربية",
    "ckb": "کوردی",
    "ru": "Русский",
    "tg": "Тоҷикӣ",
    "ky": "Кыргызча",
    "uz": "Oʻzbekcha",
    "si": "සිංහල",
    "ta": "தமிழ்",
}

MAX_INPUT_CHARS = 1000  # only the start of a message is looked at
MAX_WORDS = 60
NGRAM_ORDER = 4
SHORT_WORDS = 3  # fewer words than this: the conversation's language decides
NON_LATIN_WEIGHT = 3  # Latin words inside a non-Latin message are usually loanwords
LEXICON_WEIGHT = 3.0  # per function word found
MARKER_WEIGHT = 3.0  # per marker letter found
CONFIDENT_MARGIN = 6.0  # score lead needed to leave the conversation's language
STICKY_MARGIN = 4.0  # lead needed over the conversation's language in the same script
LANGDETECT_MIN_CHARS = 30
LANGDETECT_MAX_CHARS = 200
LANGDETECT_MARGIN = 8.0  # consult langdetect when the lead is smaller than this
LANGDETECT_WEIGHT = 6.0

_APOSTROPHES = frozenset("'ʻʼ‘’`")
_DROPPED = frozenset([0x0640, 0x0670, *range(0x064B, 0x0660)])  # tatweel, Arabic vowel marks
_FOLDED = {"ي": "ی", "ك": "ک"}  # Arabic-keyboard yeh and kaf, common in Persian and Urdu too
_DATA = Path(__file__).with_name("language_data")


class _CharMap(dict):
    """str.translate table: letters case-folded, apostrophes and yeh/kaf unified, rest blank."""

    def __missing__(self, code):
        char = chr(code)
        category = unicodedata.category(char)
        if char in _APOSTROPHES:
            out = "'"
        elif char in _FOLDED:
            out = _FOLDED[char]
        elif category == "Cf" or code in _DROPPED:
            out = ""  # zero-width joiners, direction marks, Arabic vowel marks
        elif category[0] in "LM":
            out = char.casefold()
        else:
            out = " "
        if len(self) < 50_000:
            self[code] = out
        return out


_CHARS = _CharMap()


def _fold(text):
    """NFKC, then only case-folded letters, marks and apostrophes; everything else blank."""
    return unicodedata.normalize("NFKC", text).translate(_CHARS)


def _normalise(text):
    """Words of a text, apostrophes kept only inside words."""
    return [word for word in (w.strip("'") for w in _fold(text).split()) if word]


def _words(text):
    return _normalise(text[:MAX_INPUT_CHARS])[:MAX_WORDS]


@lru_cache(maxsize=4096)
def _char_script(char):
    code = ord(char)
    return next((name for low, high, name in SCRIPT_RANGES if low <= code <= high), None)


def _word_script(word):
    return next((s for s in map(_char_script, word) if s), None)


def _word_set(text):
    return frozenset(_normalise(text))


def _load_models():
    """One n-gram model per shared script, from bot/language_data/<lang>.<script>.txt."""
    words = defaultdict(dict)
    for path in sorted(_DATA.glob("*.txt")):
        lang, script = path.stem.split(".")
        corpus = _normalise(path.read_text(encoding="utf-8")) + sorted(_LEXICONS[lang])
        words[script][lang] = [w for w in corpus if _word_script(w) == script]
    return {script: NgramModel(by_lang, NGRAM_ORDER) for script, by_lang in words.items()}


def _load_langdetect():
    DetectorFactory.seed = 0
    factory = DetectorFactory()
    factory.load_profile(PROFILES_DIRECTORY)
    return factory


_LEXICONS = {lang: _word_set(words) for lang, words in LEXICONS.items()}
_MARKERS = {
    script: [(tuple(_fold(letters).split()), langs) for letters, langs in rows]
    for script, rows in MARKERS.items()
}
_NAMES = {word: lang for lang, names in LANGUAGE_NAMES.items() for word in _normalise(names)}
_FILLERS = _word_set(FILLER_WORDS)
_LANGUAGE_WORDS = _word_set(LANGUAGE_WORDS)
_NEUTRAL = _word_set(NEUTRAL_WORDS)
_MODELS = _load_models()
_LANGDETECT = _load_langdetect()
_LANGDETECT_KNOWS = frozenset(LANGDETECT_CODES.values())


def _langdetect(text):
    """langdetect's probabilities, mapped to our codes (empty when it has no opinion)."""
    detector = _LANGDETECT.create()
    detector.append(text[:LANGDETECT_MAX_CHARS])
    try:
        found = detector.get_probabilities()
    except LangDetectException:
        return {}
    probs = Counter()
    for guess in found:
        if guess.lang in LANGDETECT_CODES:
            probs[LANGDETECT_CODES[guess.lang]] += guess.prob
    return probs


def _lead(scores):
    best, runner_up = sorted(scores, key=scores.get, reverse=True)[:2]
    return best, scores[best] - scores[runner_up]


def _scores(script, words):
    """Score of each language written in `script` for these words (higher is likelier)."""
    scores = _MODELS[script].scores(words)
    joined = " ".join(words)
    for lang in scores:
        scores[lang] += LEXICON_WEIGHT * sum(word in _LEXICONS[lang] for word in words)
    for markers, langs in _MARKERS[script]:
        hits = sum(joined.count(marker) for marker in markers)
        for lang in langs:
            scores[lang] += MARKER_WEIGHT * hits
    if len(joined) >= LANGDETECT_MIN_CHARS and _close_call_langdetect_knows(scores):
        for lang, prob in _langdetect(joined).items():
            if lang in scores:
                scores[lang] += LANGDETECT_WEIGHT * prob
    return scores


def _close_call_langdetect_knows(scores):
    """The two leaders are near each other and both are languages langdetect models."""
    leaders = sorted(scores, key=scores.get, reverse=True)[:2]
    close = scores[leaders[0]] - scores[leaders[1]] < LANGDETECT_MARGIN
    return close and all(lang in _LANGDETECT_KNOWS for lang in leaders)


def _dominant_script(words):
    weights = Counter()
    for word in words:
        script = _word_script(word)
        if script:
            weights[script] += len(word) * (1 if script == "latin" else NON_LATIN_WEIGHT)
    return max(weights, key=weights.get) if weights else None


_LATIN_VOWELS = frozenset("aeiouyoʻ'")


def _vowelless_latin(word):
    """Latin letters without a vowel ("qqqq", "pls", "hmm") say nothing about a language."""
    return word.isascii() and word.isalpha() and not _LATIN_VOWELS.intersection(word)


def detect(text: str, previous: str | None = None) -> str:
    """The language code of `text`; `previous` (the conversation's language) breaks ties."""
    previous = previous if previous in NATIVE_SCRIPTS else None
    words = _words(text)
    telling = [word for word in words if word not in _NEUTRAL and not _vowelless_latin(word)]
    script = _dominant_script(telling)
    if script is None:
        return previous or "en"
    if script in SCRIPT_LANGUAGE:
        return SCRIPT_LANGUAGE[script]
    scores = _scores(script, [word for word in telling if _word_script(word) == script])
    best, margin = _lead(scores)
    if previous is None:
        unsure = "en" in scores and scores[best] - scores["en"] < CONFIDENT_MARGIN
        return "en" if unsure else best
    if previous == best:
        return best
    if len(words) < SHORT_WORDS:
        foreign = script != "latin" and script not in NATIVE_SCRIPTS[previous]
        return best if foreign and margin >= CONFIDENT_MARGIN else previous
    if previous in scores:
        return previous if scores[best] - scores[previous] < STICKY_MARGIN else best
    return best if margin >= CONFIDENT_MARGIN else previous


def requested_language(text: str) -> str | None:
    """The language a message asks for by name ("urdu mein", "на русском"), else None."""
    words = _words(text[:200])
    if len(words) > 6:
        return None
    names = {_NAMES.get(word) for word in words if word not in _FILLERS}
    return names.pop() if len(names) == 1 and None not in names else None


def asks_for_language_menu(text: str) -> bool:
    """True for "language", "change language", "زبان", "язык?": show language_menu()."""
    words = set(_words(text[:100]))
    return bool(words & _LANGUAGE_WORDS) and words <= _LANGUAGE_WORDS | _FILLERS


def language_menu() -> str:
    """The numbered language menu, each language in its own script."""
    return "\n".join(f"{i} {NATIVE_NAMES[code]}" for i, code in enumerate(LANGUAGES, 1))
