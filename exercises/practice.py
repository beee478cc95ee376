"""Interim drill chooser (replaced by the adaptive-practice work): the interface is what matters."""

from __future__ import annotations

import json
import random
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime

from exercises.catalogue import Catalogue
from exercises.model import Drill, Verdict


@dataclass(frozen=True)
class SkillState:
    """Per-member, per-skill record: attempts, passes and the last practice time."""

    attempts: int = 0
    passes: int = 0
    last: str = ""

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, raw: str) -> SkillState:
        return cls(**json.loads(raw))

    @property
    def mastery(self) -> float:
        return self.passes / self.attempts if self.attempts else 0.0


def choose_drill(
    catalogue: Catalogue,
    skills: Mapping[str, SkillState],
    seen: Mapping[str, datetime],
    now: datetime,
    rng: random.Random,
    skill: str | None = None,
    kind: str | None = None,
) -> Drill | None:
    """Pick the next drill; None when nothing matches the skill or kind asked for."""
    pool = [d for d in catalogue.drills.values()
            if (skill is None or d.skill == skill) and (kind is None or d.kind == kind)]
    if not pool:
        return None
    fresh = [d for d in pool if d.id not in seen]
    return rng.choice(fresh or pool)


def update_skill(state: SkillState | None, verdict: Verdict, now: datetime) -> SkillState:
    """Fold one graded answer into the skill's state."""
    old = state or SkillState()
    return SkillState(old.attempts + 1, old.passes + (verdict.verdict == "pass"), now.isoformat())
