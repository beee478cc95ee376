"""Adaptive practice: which drill a member should do next, and how a graded answer updates their skill.

Each skill carries a mastery estimate (a recency-weighted average of scores) and an FSRS card, so the next
drill favours the skill that is weakest and most due. Everything here is pure and deterministic given the
`random.Random` passed in; state is plain JSON so the engine can store it wherever it likes.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from fsrs import Card, Rating, Scheduler

from exercises.catalogue import Catalogue
from exercises.model import Drill, Verdict

NO_REPEAT = timedelta(days=30)
ALPHA = 0.3  # weight of the newest score in mastery: recent practice counts most
WEAKNESS_WEIGHT = 0.6  # against 0.4 for dueness when ranking skills
TEMPERATURE = 0.08  # softmax temperature over skill priorities: low, so the neediest skill nearly always wins
NEVER_SEEN_BONUS = 2.0  # a drill never shown beats one last shown more than 30 days ago
NEED_FLOOR = 0.15  # with a named kind, even a well-practised skill keeps some share of the draws
ONE_CLICK = "one_click"  # pseudo-kind: any one-click drill

# No fuzz: intervals must not depend on a hidden random source. Learning steps in minutes suit flashcards,
# not a daily chat practice, so a lapse comes back the next day.
_SCHEDULER = Scheduler(enable_fuzzing=False, learning_steps=(timedelta(days=1),),
                       relearning_steps=(timedelta(days=1),))


def _utc(moment: datetime) -> datetime:
    """FSRS insists on UTC; naive datetimes are taken to be UTC already."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def rating_for(verdict: Verdict) -> Rating:
    """Map the grader's verdict and 0..3 score onto FSRS's four buttons."""
    if verdict.verdict != "pass":
        return Rating.Again
    if verdict.score >= 3:
        return Rating.Easy
    if verdict.score == 2:
        return Rating.Good
    return Rating.Hard


@dataclass(frozen=True)
class SkillState:
    """Per-member, per-skill record. Older three-field JSON (attempts, passes, last) still loads."""

    attempts: int = 0
    passes: int = 0
    last: str = ""  # ISO time of the last graded answer
    score: float = 0.0  # recency-weighted mean of score/3, starting from 0 so few attempts mean low mastery
    card: dict[str, Any] | None = field(default=None, compare=False)  # fsrs Card.to_dict()

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, raw: str) -> SkillState:
        data = json.loads(raw)
        known = {k: data[k] for k in ("attempts", "passes", "last", "score", "card") if k in data}
        if "score" not in data and data.get("attempts"):
            # Interim-format state: estimate mastery from the pass rate, discounted like a fresh history.
            n = int(data["attempts"])
            known["score"] = data.get("passes", 0) / n * (1 - (1 - ALPHA) ** n)
        return cls(**known)

    @property
    def mastery(self) -> float:
        """0..1: how well the member does on this skill lately, discounted while there is little evidence."""
        return max(0.0, min(1.0, self.score))

    def fsrs_card(self) -> Card | None:
        return Card.from_dict(self.card) if self.card else None  # type: ignore[arg-type]

    def due(self, now: datetime) -> float:
        """0..1: 1 when never practised or past its FSRS due time, else how much has likely been forgotten."""
        card = self.fsrs_card()
        if card is None:
            return 1.0
        now = _utc(now)
        if card.due <= now:
            return 1.0
        return max(0.0, min(1.0, 1.0 - _SCHEDULER.get_card_retrievability(card, now)))


def update_skill(state: SkillState | None, verdict: Verdict, now: datetime) -> SkillState:
    """Fold one graded answer into the skill's state: counts, mastery and the FSRS card."""
    old = state or SkillState()
    now = _utc(now)
    card = old.fsrs_card() or Card(card_id=1, due=now)
    card, _ = _SCHEDULER.review_card(card, rating_for(verdict), now)
    fraction = max(0, min(3, verdict.score)) / 3
    return replace(
        old,
        attempts=old.attempts + 1,
        passes=old.passes + (verdict.verdict == "pass"),
        last=now.isoformat(),
        score=round(old.score * (1 - ALPHA) + ALPHA * fraction, 6),
        card=dict(card.to_dict()),
    )


def skill_priority(state: SkillState | None, now: datetime) -> float:
    """0..1: higher for weaker and more overdue skills."""
    state = state or SkillState()
    return WEAKNESS_WEIGHT * (1.0 - state.mastery) + (1 - WEAKNESS_WEIGHT) * state.due(now)


def target_difficulty(mastery: float) -> int:
    """Harder drills as mastery grows."""
    return 1 if mastery < 0.4 else 2 if mastery < 0.75 else 3


def _weighted(rng: random.Random, items: Sequence[Any], weights: Sequence[float]) -> Any:
    """One rng draw, whatever the weights, so the sequence of choices stays reproducible."""
    total = sum(weights)
    mark = rng.random() * total
    for item, weight in zip(items, weights, strict=True):
        mark -= weight
        if mark < 0:
            return item
    return items[-1]


def choose_drill(
    catalogue: Catalogue,
    skills: Mapping[str, SkillState],
    seen: Mapping[str, datetime],
    now: datetime,
    rng: random.Random,
    skill: str | None = None,
    kind: str | None = None,
    focus: Sequence[str] | None = None,
) -> Drill | None:
    """Pick the next drill; None when nothing matches the skill or kind asked for.

    An explicit `skill` wins over a schedule's `focus`; a focus with no matching drills is ignored rather
    than leaving the member with nothing. Drills seen in the last 30 days come back only when every other
    candidate is used up, oldest first.
    """
    pool = [d for _, d in sorted(catalogue.drills.items())
            if (skill is None or d.skill == skill)
            and (kind is None or d.kind == kind or (kind == ONE_CLICK and d.one_click))]
    if skill is None and focus:
        focused = [d for d in pool if d.skill in set(focus)]
        pool = focused or pool
    if not pool:
        return None
    now_utc = _utc(now)
    recent = {i for i, when in seen.items() if now_utc - _utc(when) < NO_REPEAT}
    fresh = [d for d in pool if d.id not in recent]
    if not fresh:
        # Everything was seen lately: repeat the one seen longest ago (ties broken by the rng).
        oldest = min(_utc(seen[d.id]) for d in pool)
        return rng.choice([d for d in pool if _utc(seen[d.id]) == oldest])

    by_skill: dict[str, list[Drill]] = {}
    for d in fresh:
        by_skill.setdefault(d.skill, []).append(d)
    names = sorted(by_skill)
    priorities = [skill_priority(skills.get(s), now_utc) for s in names]
    if kind is not None and skill is None:
        # A named kind is about the form, not the skill: every skill using it gets drawn, in proportion to
        # its share of those drills, tilted (not decided) by how much the member needs it.
        weights = [len(by_skill[s]) * (NEED_FLOOR + p) for s, p in zip(names, priorities, strict=True)]
    else:
        top = max(priorities)
        weights = [math.exp((p - top) / TEMPERATURE) for p in priorities]
    chosen_skill = _weighted(rng, names, weights)

    state = skills.get(chosen_skill) or SkillState()
    target = target_difficulty(state.mastery)
    drills = by_skill[chosen_skill]
    weights = [(NEVER_SEEN_BONUS if d.id not in seen else 1.0) / (1 + abs(d.difficulty - target)) ** 2
               for d in drills]
    chosen: Drill = _weighted(rng, drills, weights)
    return chosen
