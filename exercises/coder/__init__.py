"""The MI coder: label a practitioner turn with one of the 13 codes in exercises.vocabulary.CODES.

code(text) -> Coding. Each sentence is scored by a small linear model (exercises/coder/scorer.py,
weights trained by tools/train_coder.py), near-certain surface rules correct it (rules.py), and a
multi-sentence turn gets one main code by the MITI-style logic in `main_code`.
"""

from __future__ import annotations

from dataclasses import dataclass

from exercises.coder.features import normalise, split_sentences
from exercises.coder.rules import apply_rules
from exercises.coder.scorer import load_model

__all__ = ["Coding", "SentenceCoding", "code", "main_code"]

SentenceCoding = tuple[str, str, float]

# Which statement wins when a turn holds several and none is MI-inconsistent and it does not end in a
# question: the behaviour most informative for feedback comes first. Reflections rank above the
# information/planning codes because AnnoMI codes a turn by what it mainly does for the client.
_SALIENCE: tuple[str, ...] = (
    "emphasize_autonomy",
    "affirm",
    "complex_reflection",
    "offer_options",
    "negotiate",
    "simple_reflection",
    "seek_collaboration",
    "give_information",
    "open_question",
    "closed_question",
    "other",
)
_MI_INCONSISTENT: tuple[str, ...] = ("confront", "advise")
_REFLECTIONS = frozenset({"simple_reflection", "complex_reflection"})
_INPUT = frozenset({"offer_options", "negotiate", "give_information", "emphasize_autonomy"})


@dataclass(frozen=True)
class Coding:
    """The main code of a turn, its confidence, and the per-sentence codes behind it."""

    code: str
    confidence: float
    sentences: tuple[SentenceCoding, ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "confidence": round(self.confidence, 4),
            "sentences": [{"text": s, "code": c, "confidence": round(p, 4)} for s, c, p in self.sentences],
        }


def code_sentence(sentence: str) -> tuple[str, float]:
    """Code one sentence: the model's best guess, corrected by near-certain rules."""
    ranked = load_model().ranked(sentence)
    return apply_rules(sentence, ranked)


def main_code(sentences: tuple[SentenceCoding, ...]) -> tuple[str, float]:
    """Pick the turn's main behaviour from its sentence codes (documented choice, MITI-inspired).

    1. MI-inconsistent behaviour (confront, then advise) that the coder is fairly sure of wins: one
       lecture spoils a turn, and MITI counts it whatever surrounds it.
    2. Otherwise a turn that ends in a question is coded by that question: it is what the client
       answers. ("That sounds hard. What helped?" is an open question.) Exception: a closed check
       ("Did I get that right?") after two or more reflective sentences stays a reflection (a summary),
       and a short tag ("Which appeals?", "Does that work?") after options, a plan, information or an
       autonomy statement leaves the turn coded by that statement.
    3. Otherwise the most salient statement wins (see _SALIENCE); two reflections of which any is
       complex make the turn complex.
    """
    if not sentences:
        return "other", 1.0
    if len(sentences) == 1:
        return sentences[0][1], sentences[0][2]
    for bad in _MI_INCONSISTENT:
        hits = [p for _, c, p in sentences if c == bad and p >= 0.5]
        if hits:
            return bad, max(hits)
    last_text, last_code, last_p = sentences[-1]
    if last_code in ("open_question", "closed_question", "seek_collaboration"):
        before = [s for s in sentences[:-1] if s[1] in _INPUT]
        if before and len(last_text.split()) <= 5:
            # "You could A, B or C. Which appeals?" offers options; a short tag does not change that.
            best = max(before, key=lambda s: s[2])
            return best[1], best[2]
        reflective = [s for s in sentences[:-1] if s[1] in _REFLECTIONS]
        if last_code == "closed_question" and len(reflective) >= 2:
            complex_ = any(c == "complex_reflection" for _, c, _ in reflective)
            conf = max(p for _, _, p in reflective)
            return ("complex_reflection" if complex_ else "simple_reflection"), conf
        return last_code, last_p
    present = {c: max(p for _, cc, p in sentences if cc == c) for _, c, _ in sentences}
    if "complex_reflection" in present and "simple_reflection" in present:
        present["complex_reflection"] = max(present["complex_reflection"], present["simple_reflection"])
    for candidate in _SALIENCE:
        if candidate in present:
            return candidate, present[candidate]
    best = max(sentences, key=lambda s: s[2])
    return best[1], best[2]


def code(text: str) -> Coding:
    """Code one practitioner turn. Never raises on odd input: empty text is 'other'."""
    clean = normalise(text)
    if not clean:
        return Coding("other", 1.0, ())
    sentences = split_sentences(clean[:4000]) or [clean[:4000]]
    coded = tuple((s, *code_sentence(s)) for s in sentences[:40])
    main, conf = main_code(coded)
    return Coding(main, conf, coded)
