"""Fairness of one-click drills: the right option must not be findable without reading.

Two giveaways are checked per one-click kind (once a kind has enough items to tell): the right option
sitting at one position far more often than chance, and the right option being the longest (or the
shortest) far more often than chance. Members also see options in their own shuffled order
(`exercises.choice.arranged`), but the catalogue should not lean on that: a fixed-label kind such as
spot_change_talk keeps its order, so there position *is* the label.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from exercises.model import Drill

MIN_ITEMS = 9  # below this a kind is too small to call a lean a bias
MAX_EXCESS = 0.12  # a share may exceed chance (1/options) by this much before it counts as a giveaway
FIXED_LABEL_KINDS = frozenset({"spot_change_talk"})  # options are a label scale, not written replies


@dataclass(frozen=True)
class Lean:
    """How one kind's right answers are spread: shares by position, and how often they are longest/shortest."""

    kind: str
    items: int
    chance: float
    by_position: tuple[float, ...]
    longest: float
    shortest: float


def _leans(drills: Iterable[Drill]) -> list[Lean]:
    by_kind: dict[str, list[Drill]] = {}
    for drill in drills:
        if drill.one_click and drill.options:
            by_kind.setdefault(drill.kind, []).append(drill)
    out = []
    for kind, items in sorted(by_kind.items()):
        width = max(len(d.options) for d in items)
        positions: Counter[int] = Counter()
        longest = shortest = 0
        for d in items:
            right = next(i for i, o in enumerate(d.options) if o.correct)
            positions[right] += 1
            lengths = [len(o.text) for o in d.options]
            others = [n for i, n in enumerate(lengths) if i != right]
            longest += lengths[right] > max(others)
            shortest += lengths[right] < min(others)
        n = len(items)
        chance = sum(1 / len(d.options) for d in items) / n
        out.append(Lean(kind, n, chance, tuple(positions[i] / n for i in range(width)), longest / n, shortest / n))
    return out


def bias_problems(drills: Iterable[Drill]) -> list[tuple[str, str]]:
    """(kind, message) for every position or length giveaway in kinds with at least MIN_ITEMS items."""
    problems = []
    for lean in _leans(drills):
        if lean.items < MIN_ITEMS:
            continue
        limit = lean.chance + MAX_EXCESS
        for i, share in enumerate(lean.by_position):
            if share > limit:
                problems.append((lean.kind, f"position bias: the right option is number {i + 1} in {share:.0%} of "
                                            f"{lean.items} items (limit {limit:.0%}); move some right answers"))
        if lean.kind in FIXED_LABEL_KINDS:
            continue
        for what, share in (("longest", lean.longest), ("shortest", lean.shortest)):
            if share > limit:
                problems.append((lean.kind, f"length bias: the right option is the {what} in {share:.0%} of "
                                            f"{lean.items} items (limit {limit:.0%}); even out the option lengths"))
    return problems


def leans(drills: Iterable[Drill]) -> list[Lean]:
    """The spread per one-click kind, for `oars catalogue stats` and the blind-guessing test."""
    return _leans(drills)
