"""Interim seed catalogue (replaced by the catalogue work): the interface is what matters."""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cache

from exercises.model import Drill, Option, Tip


@dataclass(frozen=True)
class Catalogue:
    drills: dict[str, Drill]
    tips: dict[str, Tip]

    def drill(self, drill_id: str) -> Drill | None:
        return self.drills.get(drill_id)

    def find_tips(self, query: str, k: int = 3) -> list[Tip]:
        words = set(query.lower().split())
        ranked = sorted(self.tips.values(), key=lambda t: -len(words & set(t.text.lower().split())))
        return ranked[:k]

    def random_tip(self, rng: random.Random, exclude: str | None = None) -> Tip:
        pool = [t for t in self.tips.values() if t.id != exclude] or list(self.tips.values())
        return rng.choice(pool)


@cache
def load_catalogue() -> Catalogue:
    drills = [
        Drill("oq-seed-1", "open_questions", "open_question", 1, "team lead",
              "Did the new schedule work for you?",
              ("How has the new schedule been working for you?",)),
        Drill("rf-seed-1", "simple_reflections", "reflection", 1, "customer success",
              "I've asked three times and nobody has fixed my account.",
              ("You've been waiting a long time for this to be fixed.",)),
        Drill("pr-seed-1", "avoid_arguing", "pick_response", 1, "HR",
              "I don't see why I need this training at all.",
              ("It sounds like the training doesn't feel relevant to your work.",),
              options=(
                  Option("You have to do it, it's mandatory.", False, "Arguing invites push-back."),
                  Option("It sounds like the training doesn't feel relevant to your work.", True,
                         "A reflection shows you heard the concern."),
                  Option("Everyone else found it useful.", False, "Comparison sounds like persuasion."),
              )),
    ]
    tips = [
        Tip("tip-seed-1", "Swap 'Do you…?' for 'What…?' or 'How…?' to invite a story instead of a yes/no.",
            ("open_questions",)),
        Tip("tip-seed-2", "When someone says they're fine but looks otherwise, reflect what you notice gently.",
            ("simple_reflections",)),
        Tip("tip-seed-3", "Name a specific effort you saw; it lands better than 'great job'.",
            ("affirmations",)),
    ]
    return Catalogue({d.id: d for d in drills}, {t.id: t for t in tips})
