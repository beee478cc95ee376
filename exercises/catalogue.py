"""The drill and tip catalogue: loaded once from the packaged YAML, validated on the way in.

Reading `exercises/data` is the only I/O in the domain package; everything else works on the frozen
`Catalogue` this module returns.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from exercises.balance import bias_problems
from exercises.model import Drill, Tip
from exercises.schema import Problem, duplicate_problems, parse_drill_file, parse_tips_file
from exercises.tipmeaning import TipMatch, TipMatcher
from exercises.tipsearch import TipIndex

DATA_DIR = Path(__file__).resolve().parent / "data"

# Shown when a drill does not say what to do; one sentence per kind, written for the learner.
DEFAULT_INSTRUCTIONS: dict[str, str] = {
    "open_question": "Turn this into an open question that invites the person to say more.",
    "reflection": "Reply with a simple reflection: say back the heart of what you heard, not a question.",
    "complex_reflection": "Reply with a complex reflection: add the meaning or feeling underneath.",
    "affirmation": "Affirm a real strength or effort you can see; be specific, not generic praise.",
    "roll_with_resistance": "Respond without arguing: reflect or share control rather than push back.",
    "develop_discrepancy": "Help the person notice the gap between what they value and what is happening.",
    "emphasize_autonomy": "Reply in a way that makes clear the choice is theirs.",
    "summary": "Pull the main points together in a short summary, ending with an invitation.",
    "pick_response": "Pick the most MI-consistent reply.",
    "spot_change_talk": "Is this change talk, sustain talk or neither?",
}


class CatalogueError(ValueError):
    """The packaged catalogue has problems; the message lists every one, one per line."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = "\n".join(str(p) for p in problems[:50])
        more = f"\n… and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(f"{len(problems)} catalogue problem(s):\n{lines}{more}")


@dataclass(frozen=True)
class Catalogue:
    """Every drill and tip, keyed by id; also answers tip searches."""

    drills: dict[str, Drill]
    tips: dict[str, Tip]
    _index: TipIndex | None = field(default=None, init=False, repr=False, compare=False)
    _matcher: TipMatcher | None = field(default=None, init=False, repr=False, compare=False)

    def _tip_search(self) -> tuple[TipIndex, TipMatcher]:
        """Built on the first tip search, not at start-up (the BM25 index is most of the load time, #17)."""
        if self._index is None or self._matcher is None:
            ordered = sorted(self.tips.values(), key=lambda t: t.id)
            index = TipIndex(ordered)
            object.__setattr__(self, "_index", index)
            object.__setattr__(self, "_matcher", TipMatcher(ordered, index))
        assert self._index is not None and self._matcher is not None
        return self._index, self._matcher

    def drill(self, drill_id: str) -> Drill | None:
        return self.drills.get(drill_id)

    def find_tips(self, query: str, k: int = 3) -> list[Tip]:
        """Best-matching tips for a free-text situation; empty only when there are no tips at all."""
        return self._tip_search()[0].search(query, k)

    def match_tips(self, query: str, k: int = 3) -> TipMatch:
        """Tips by meaning (words as a fallback), and whether any of them really fits the query."""
        return self._tip_search()[1].match(query, k)

    def random_tip(self, rng: random.Random, exclude: str | None = None) -> Tip:
        """Any tip but `exclude`, so the same tip never shows twice in a row."""
        ordered = sorted(self.tips)
        if not ordered:
            raise LookupError("the catalogue has no tips")
        pool = [t for t in ordered if t != exclude] or ordered
        return self.tips[rng.choice(pool)]


def _read(data_dir: Path) -> tuple[list[Drill], list[Tip], list[Problem]]:
    """Parse every file under `data_dir`, keeping the good items and every problem."""
    drills: list[Drill] = []
    tips: list[Tip] = []
    problems: list[Problem] = []
    ids: list[tuple[str, str]] = []
    drill_dir = data_dir / "drills"
    for path in sorted(drill_dir.glob("*.yaml")) if drill_dir.is_dir() else []:
        found, bad, seen = parse_drill_file(path)
        drills += found
        problems += bad
        ids += [(f"drills/{path.name}", i) for i in seen]
    problems = [replace(p, file=f"drills/{p.file}") for p in problems]
    tips_path = data_dir / "tips.yaml"
    if tips_path.is_file():
        found_tips, bad, seen = parse_tips_file(tips_path)
        tips += found_tips
        problems += bad
        ids += [(tips_path.name, i) for i in seen]
    problems += duplicate_problems(ids)
    problems += [Problem("drills", kind, message) for kind, message in bias_problems(drills)]
    return drills, tips, problems


def check_catalogue(data_dir: Path | str = DATA_DIR) -> list[Problem]:
    """Every problem in the catalogue under `data_dir`; an empty list means it loads clean."""
    return _read(Path(data_dir))[2]


def load_catalogue_from(data_dir: Path | str) -> Catalogue:
    """Load and validate one catalogue folder; raises CatalogueError listing every problem."""
    drills, tips, problems = _read(Path(data_dir))
    if problems:
        raise CatalogueError(problems)
    drills = [d if d.instruction else replace(d, instruction=DEFAULT_INSTRUCTIONS[d.kind]) for d in drills]
    return Catalogue({d.id: d for d in drills}, {t.id: t for t in tips})


@cache
def load_catalogue() -> Catalogue:
    """The packaged catalogue, loaded once per process."""
    return load_catalogue_from(DATA_DIR)
