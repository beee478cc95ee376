"""Plain, immutable domain records shared by the catalogue, the grader and the engine."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from exercises.vocabulary import ONE_CLICK_KINDS

VerdictName = Literal["pass", "revise"]


@dataclass(frozen=True)
class Option:
    """One answer of a one-click drill, with the reason it is right or wrong."""

    text: str
    correct: bool
    why: str


@dataclass(frozen=True)
class Drill:
    """One practice item. Free-text drills have model answers; one-click drills have options."""

    id: str
    skill: str
    kind: str
    difficulty: int
    setting: str
    prompt: str
    model_answers: tuple[str, ...]
    hints: tuple[str, ...] = ()
    options: tuple[Option, ...] = ()
    instruction: str = ""

    @property
    def one_click(self) -> bool:
        return self.kind in ONE_CLICK_KINDS


@dataclass(frozen=True)
class Verdict:
    """What the grader says about one reply: the grader interface's return value."""

    verdict: VerdictName
    score: int  # 0..3
    feedback: tuple[str, ...]
    model_answer: str
    codes: tuple[str, ...] = field(default_factory=tuple)
    # False when nothing in the reply could be graded ('asdf', 'menu'): a practice loop should neither count
    # it nor spend an attempt on it. Not part of as_dict (the `oars grade` contract).
    graded: bool = True

    def as_dict(self) -> dict[str, object]:
        return {
            "verdict": self.verdict,
            "score": self.score,
            "feedback": list(self.feedback),
            "model_answer": self.model_answer,
            "codes": list(self.codes),
        }


@dataclass(frozen=True)
class Tip:
    """A short, original coaching tip tagged by skill and situation."""

    id: str
    text: str
    skills: tuple[str, ...]
    situations: tuple[str, ...] = ()
    example: str = ""
