"""Character n-gram naive Bayes over words, used to rank languages sharing one script."""

import math
from collections import Counter


class NgramModel:
    """Log-likelihood of words under each language's 1..order character n-grams.

    Trained from already-normalised words; add-alpha smoothing over the shared vocabulary.
    """

    def __init__(self, words_by_lang: dict[str, list[str]], order: int = 3, alpha: float = 0.5):
        self.langs = tuple(sorted(words_by_lang))
        self.order = order
        counts = {lang: Counter(self._grams(words)) for lang, words in words_by_lang.items()}
        vocab = set().union(*counts.values())
        vocab_size = Counter(len(gram) for gram in vocab)
        totals = {lang: Counter({n: 0 for n in range(1, order + 1)}) for lang in self.langs}
        for lang, counter in counts.items():
            for gram, count in counter.items():
                totals[lang][len(gram)] += count
        denominators = {
            (lang, n): totals[lang][n] + alpha * vocab_size[n]
            for lang in self.langs
            for n in range(1, order + 1)
        }
        self.unseen = {
            n: tuple(math.log(alpha / denominators[lang, n]) for lang in self.langs)
            for n in range(1, order + 1)
        }
        self.logp = {
            gram: tuple(
                math.log((counts[lang][gram] + alpha) / denominators[lang, len(gram)])
                for lang in self.langs
            )
            for gram in vocab
        }

    def _grams(self, words):
        for word in words:
            padded = f" {word} "
            for n in range(1, self.order + 1):
                for start in range(len(padded) - n + 1):
                    gram = padded[start:start + n]
                    if gram != " ":
                        yield gram

    def scores(self, words: list[str]) -> dict[str, float]:
        """Summed log-probability of the words' n-grams, per language."""
        totals = [0.0] * len(self.langs)
        for gram in self._grams(words):
            logps = self.logp.get(gram) or self.unseen[len(gram)]
            for i, logp in enumerate(logps):
                totals[i] += logp
        return dict(zip(self.langs, totals, strict=True))
