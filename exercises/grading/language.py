"""Is a message in English? A learned character n-gram model (logistic regression over hashed n-grams).

Why learned: a vocabulary test misses sentences whose words English also has ("tu es fatigué et tu veux que ça
change": tu, es, et, que, change are all in an English word list). Character n-grams carry the spelling of a
language (Spanish '-ción', 'qu', Polish 'sz', German 'sch'), and a model trained on our writers' English
replies against messages written in 31 other languages (tools/language_data, tools/train_language.py)
tells them apart from three words up. Text with mostly non-Latin letters is decided before this model
(exercises/grading/text.not_english). Runs in pure Python and numpy: about 0.07 ms per message.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from bisect import bisect_right
from functools import lru_cache
from importlib import resources

import numpy as np

MODEL_FILE = "language_model.npz"
_TOKEN = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
MAX_CHARS = 600  # the start of a long message is enough to know its language


def tokens(text: str) -> list[str]:
    """Lower-case letter runs (apostrophes inside a word kept), accents as typed."""
    return _TOKEN.findall(unicodedata.normalize("NFC", text[:MAX_CHARS]).lower())


def feature_ids(text: str, bits: int) -> np.ndarray:
    """Distinct hashed features: every 1-4 character n-gram of ' word ' and every whole word."""
    mask = (1 << bits) - 1
    seen: set[int] = set()
    for word in tokens(text):
        seen.add(zlib.crc32(b"w\x1f" + word.encode()) & mask)
        padded = f" {word} ".encode()
        for n in (1, 2, 3, 4):
            for i in range(len(padded) - n + 1):
                seen.add(zlib.crc32(padded[i:i + n]) & mask)
    return np.fromiter(seen, dtype=np.int64, count=len(seen))


class LanguageModel:
    """P(not English) for a message: weights over hashed features, L2-normalised binary presence. The
    threshold depends on the message's length in words (band_starts: where each band begins; a longer message
    says more about its language), each set where held-out English was flagged at most once."""

    def __init__(self, weights: np.ndarray, bias: float, bits: int, band_starts: np.ndarray,
                 thresholds: np.ndarray) -> None:
        self.weights = weights.astype(np.float32)
        self.bias = bias
        self.bits = bits
        self.band_starts = [int(v) for v in band_starts]
        self.thresholds = [float(v) for v in thresholds]

    def p_other(self, text: str) -> float:
        ids = feature_ids(text, self.bits)
        if not len(ids):
            return 0.0
        z = float(self.weights[ids].sum()) / float(np.sqrt(len(ids))) + self.bias
        return float(1.0 / (1.0 + np.exp(-z)))

    def threshold(self, words: int) -> float | None:
        """The threshold for a message of this many words, or None below the first band (too short to judge)."""
        band = bisect_right(self.band_starts, words) - 1
        return None if band < 0 else self.thresholds[band]

    def other_language(self, text: str) -> bool:
        at = self.threshold(len(tokens(text)))
        return at is not None and self.p_other(text) >= at


@lru_cache(maxsize=1)
def language_model() -> LanguageModel | None:
    """The shipped model, or None when its file is missing."""
    try:
        with resources.files("exercises").joinpath("data", MODEL_FILE).open("rb") as fh:
            data = dict(np.load(fh, allow_pickle=False))
    except FileNotFoundError:
        return None
    return LanguageModel(data["weights"], float(data["bias"]), int(data["bits"]), data["band_starts"],
                         data["thresholds"])
