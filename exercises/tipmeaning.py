"""Tips by meaning: sentence embeddings of each tip's text and situations, with BM25 as a second opinion.

People describe moments in their own words ("someone is crying in our 1:1"), so the ranker compares
meanings (all-MiniLM-L6-v2 via `exercises.semantic`) and keeps the lexical BM25 score as a feature and
as the fallback when the model is not installed. It also says when nothing fits: gibberish, emoji or a
question about the weather gets no tip dressed up as a match, and the closest skills instead.

The packaged tips' embeddings are precomputed in `data/tip_vectors.npz` (`python tools/build_tip_vectors.py`),
because encoding ~500 texts takes minutes on a busy CPU; any text missing there is encoded on first use.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from exercises.model import Tip
from exercises.tipsearch import SYNONYMS, TipIndex, tokens
from exercises.vocabulary import SKILL_TITLES, SKILLS

VECTORS_PATH = Path(__file__).resolve().parent / "data" / "tip_vectors.npz"
TEXT_BONUS = 0.1  # the tip's own text adds a little on top of its best-matching situation
# A query fits when its best tip stands out: best similarity plus its lead over the average tip. Off-topic text
# ("tell me a joke") is mildly similar to everything; a real situation is much closer to a few tips. Calibrated on
# the ranker's own test cases and 20 off-topic lines of ours. Chatty, misspelt situations score lower, so a query
# naming at least two MI concepts (tipsearch.SYNONYMS: client, anger, refuse, health…) gets some slack.
FITS = 0.58
CONCEPT_SLACK = 0.15
CONCEPTS_FOR_SLACK = 2
MIN_LEXICAL = 1.0  # without the model: the BM25 score that counts as sharing words

# One line per skill, for "closest skills" when no tip fits.
SKILL_DESCRIPTIONS: dict[str, str] = {
    "open_questions": "asking open questions that invite the person to tell their story",
    "affirmations": "affirming a person's strengths, efforts and values",
    "simple_reflections": "reflecting back what the person said so they feel heard",
    "complex_reflections": "reflecting the feeling or meaning under the words, both sides of mixed feelings",
    "summaries": "summarising what was said and wrapping up a conversation",
    "express_empathy": "showing empathy when someone is upset, sad, angry or hurting",
    "develop_discrepancy": "helping someone notice the gap between their goals and what they do",
    "avoid_arguing": "not arguing, lecturing or persuading; resisting the urge to fix",
    "roll_with_resistance": "responding to push-back, defensiveness and refusal without a fight",
    "support_self_efficacy": "building someone's confidence that they can change",
    "emphasize_autonomy": "respecting that the choice is theirs",
    "change_talk": "hearing and drawing out a person's own reasons to change",
    "curiosity": "staying curious instead of judging or correcting",
}


@dataclass(frozen=True)
class TipMatch:
    """The tips to show, whether they really fit the query, and skills to offer when they don't."""

    tips: tuple[Tip, ...]
    matched: bool
    closest_skills: tuple[str, ...] = ()
    by_meaning: bool = False


# Who the moment is about ('client', 'my customer') says nothing about which tip fits, yet it dominated the
# sentence vectors: "client is angry" sat closer to "client crying" than to "angry at me". Situations and
# queries are embedded without these words.
_WHO = frozenset("""client clients customer customers patient patients someone somebody person user member
    colleague employee prospect my our the a an""".split())


def core(text: str) -> str:
    """A situation or query without the words that only say who it is about (unchanged if nothing is left)."""
    kept = [w for w in text.split() if w.lower().strip(".,:;!?'\"") not in _WHO]
    return " ".join(kept) or text


def views(tip: Tip) -> list[str]:
    """The texts embedded for one tip: its own text first, then each situation it is written for (core)."""
    return [tip.text, *(core(s) for s in tip.situations)]


@cache
def _packaged() -> dict[str, np.ndarray]:
    if not VECTORS_PATH.is_file():
        return {}
    with np.load(VECTORS_PATH, allow_pickle=False) as data:
        texts, vectors = list(data["texts"]), data["vectors"].astype(np.float32)
    return {str(t): v for t, v in zip(texts, vectors, strict=True)}


def _semantic() -> tuple[bool, object]:
    from exercises import semantic

    return semantic.available(), semantic


_CONCEPTS = frozenset(SYNONYMS)


def _standard(values: np.ndarray) -> np.ndarray:
    spread = float(values.std())
    return (values - values.mean()) / spread if spread > 0 else np.zeros_like(values)


def _meaningful(query: str) -> bool:
    """A query needs at least one real word (two letters or more) before anything is searched."""
    return any(len(word) >= 2 and any(ch.isalpha() for ch in word) for word in query.split())


class TipMatcher:
    """Ranks tips by meaning and words; built once per catalogue (the vectors are the costly part)."""

    def __init__(self, tips: Sequence[Tip], lexical: TipIndex | None = None) -> None:
        self.tips = list(tips)
        self.lexical = lexical or TipIndex(self.tips)
        self._lock = threading.Lock()
        self._matrix: np.ndarray | None = None
        self._owner: np.ndarray | None = None
        self._is_text: np.ndarray | None = None
        self._skills: np.ndarray | None = None

    def _vectors(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        with self._lock:
            if self._matrix is None:
                from exercises.semantic import embed

                known = _packaged()
                texts, owner, is_text = [], [], []
                for i, tip in enumerate(self.tips):
                    for j, text in enumerate(views(tip)):
                        texts.append(text)
                        owner.append(i)
                        is_text.append(j == 0)
                missing = [t for t in dict.fromkeys(texts) if t not in known]
                if missing:
                    known = {**known, **dict(zip(missing, embed(missing), strict=True))}
                self._matrix = np.stack([known[t] for t in texts]).astype(np.float32)
                self._owner, self._is_text = np.array(owner), np.array(is_text)
                self._skills = embed([SKILL_DESCRIPTIONS[s] for s in SKILLS])
            assert self._owner is not None and self._is_text is not None and self._skills is not None
            return self._matrix, self._owner, self._is_text, self._skills

    def meaning_scores(self, query: str) -> tuple[np.ndarray, np.ndarray]:
        """Per tip: best situation-or-text similarity plus a small bonus for the text; and per-skill similarity."""
        from exercises.semantic import embed

        matrix, owner, is_text, skills = self._vectors()
        q = embed([core(query)])[0]
        sims = matrix @ q
        best = np.full(len(self.tips), -1.0, dtype=np.float32)
        np.maximum.at(best, owner, sims)
        text = np.zeros(len(self.tips), dtype=np.float32)
        text[owner[is_text]] = sims[is_text]
        return best + TEXT_BONUS * np.clip(text, 0, None), skills @ q

    def match(self, query: str, k: int = 3) -> TipMatch:
        if k <= 0 or not self.tips:
            return TipMatch((), False)
        if not _meaningful(query):
            return TipMatch((), False, ("open_questions", "simple_reflections", "express_empathy"))
        lexical = np.array(self.lexical.scores(query), dtype=np.float32)
        top_lexical = float(lexical.max()) if len(lexical) else 0.0
        ok, _ = _semantic()
        if not ok:
            order = sorted(range(len(self.tips)), key=lambda i: (-lexical[i], i))[:k]
            matched = top_lexical >= MIN_LEXICAL and bool(tokens(query))
            return TipMatch(tuple(self.tips[i] for i in order), matched, () if matched else self._skill_words(query))
        meaning, skill_sims = self.meaning_scores(query)
        # Equal say for meaning and words: each standardised over the tips for this query, then added.
        score = _standard(meaning) + (_standard(lexical) if top_lexical > 0 else 0.0)
        order = sorted(range(len(self.tips)), key=lambda i: (-float(score[i]), i))[:k]
        confidence = 2 * float(meaning.max()) - float(meaning.mean())
        concepts = len(set(tokens(query)) & _CONCEPTS)
        matched = confidence >= FITS or (confidence >= FITS - CONCEPT_SLACK and concepts >= CONCEPTS_FOR_SLACK)
        closest = tuple(SKILLS[i] for i in np.argsort(-skill_sims)[:3])
        return TipMatch(tuple(self.tips[i] for i in order), matched, () if matched else closest, by_meaning=True)

    @staticmethod
    def _skill_words(query: str) -> tuple[str, ...]:
        """Without the model: skills whose title shares a word with the query, else the basics."""
        words = set(tokens(query))
        hits = [s for s in SKILLS if words & set(tokens(SKILL_TITLES[s] + " " + SKILL_DESCRIPTIONS[s]))]
        return tuple(hits[:3]) or ("open_questions", "simple_reflections", "express_empathy")
