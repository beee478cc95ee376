"""A few surface signals the learned grader reads next to the encoder's vector (same code at training and run time).

They carry what a mean-pooled vector blurs: how much of the reply is the client's own words (parroting),
whether it asks, how long it is, how much of it is not English letters, and whether it stacks questions.
"""

from __future__ import annotations

import itertools
import math
import re

import numpy as np

from exercises.vocabulary import FREE_TEXT_KINDS

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_QUOTE = re.compile(r"[\"“]([^\"”]{8,})[\"”]")
# "Never", "always", "nobody": a label when the reply brings them, a faithful reflection when the client did.
_ABSOLUTE = re.compile(
    r"\b(?:never|always|nobody|no one|noone|everyone|everybody|every time|nothing|constantly|ever)\b", re.IGNORECASE)
_STOP = frozenset(
    "a an the and or but so to of in on at for with is are was were be been am i you he she it we they me my "
    "your his her its our their this that these those do does did not no just really very can could would "
    "will have has had there here what how".split())
_QUESTION_WORD = r"(what|how|why|when|where|who|which|do|does|did|is|are|was|were|can|could|would|will|have|has)"
# Two questions joined into one: "How did it go, and what would you change?". With the same question word on
# both sides it is often one two-sided question ("What works, and what doesn't?"), which writers pass; with
# different words they revised 64 of 65 (two question marks: 27 of 27), so the two shapes are separate signals.
_JOINED = re.compile(r"^\W*(?:so,?\s+)?" + _QUESTION_WORD + r"\b.*?\s(?:and|or)\s+" + _QUESTION_WORD
                     + r"\b[^.?!]*\?*\s*$", re.IGNORECASE)
_TWO_QUESTIONS = re.compile(r"\?\s*\S.*\?")
KINDS = FREE_TEXT_KINDS
SIGNALS = 12
DIM = len(KINDS) + SIGNALS
# Appended by the grader (exercises/grader.py grading_signals): the cue tables' own verdict and score, and the
# reply's meaning link to the client's words with its 'weak' flag.
RULE_SIGNALS = 4


def client_words(prompt: str) -> str:
    """The client's own words in a drill prompt: the quoted part when the prompt frames a quote."""
    quotes = _QUOTE.findall(prompt)
    return " ".join(quotes) if quotes else prompt


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("\u2019", "'"))


def signals(kind: str, prompt: str, reply: str) -> np.ndarray:
    """Kind one-hot followed by SIGNALS surface numbers, float32."""
    out = np.zeros(DIM, dtype=np.float32)
    if kind in KINDS:
        out[KINDS.index(kind)] = 1.0
    words = _words(reply)
    client = _words(client_words(prompt))
    content = [w for w in words if w not in _STOP]
    client_set = {w for w in client if w not in _STOP}
    shared = sum(1 for w in content if w in client_set)
    bigrams = list(itertools.pairwise(words))
    client_bigrams = set(itertools.pairwise(client))
    stripped = reply.strip()
    letters = [c for c in stripped if c.isalpha()]
    k = len(KINDS)
    out[k] = shared / len(content) if content else 0.0
    out[k + 1] = len({w for w in content if w in client_set}) / len(client_set) if client_set else 0.0
    out[k + 2] = sum(1 for b in bigrams if b in client_bigrams) / len(bigrams) if bigrams else 0.0
    out[k + 3] = math.log1p(len(words)) / 4.0
    out[k + 4] = 1.0 if stripped.endswith("?") else 0.0
    out[k + 5] = min(stripped.count("?"), 3) / 3.0
    out[k + 6] = min(len(re.findall(r"[.!?]+(?:\s|$)", stripped)), 5) / 5.0
    out[k + 7] = (sum(1 for c in stripped if not c.isascii()) / len(stripped)) if stripped else 0.0
    if not letters:
        out[k + 7] = 1.0
    out[k + 8] = 1.0 if _ABSOLUTE.search(reply) else 0.0
    out[k + 9] = 1.0 if _ABSOLUTE.search(client_words(prompt)) else 0.0
    joined = _JOINED.search(stripped)
    stacked = bool(_TWO_QUESTIONS.search(stripped)) or bool(joined and joined[1].lower() != joined[2].lower())
    out[k + 10] = 1.0 if stacked else 0.0
    out[k + 11] = 1.0 if joined and not stacked else 0.0
    return out
