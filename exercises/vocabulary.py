"""The fixed words of the domain: MI skills, drill kinds and coder codes.

Kept in one place because the catalogue, the grader, the engine and every adapter must agree on them.
"""

from __future__ import annotations

SKILLS: tuple[str, ...] = (
    "open_questions",
    "affirmations",
    "simple_reflections",
    "complex_reflections",
    "summaries",
    "express_empathy",
    "develop_discrepancy",
    "avoid_arguing",
    "roll_with_resistance",
    "support_self_efficacy",
    "emphasize_autonomy",
    "change_talk",
    "curiosity",
)

FREE_TEXT_KINDS: tuple[str, ...] = (
    "open_question",
    "reflection",
    "complex_reflection",
    "affirmation",
    "roll_with_resistance",
    "develop_discrepancy",
    "emphasize_autonomy",
    "summary",
)

ONE_CLICK_KINDS: tuple[str, ...] = (
    "pick_response",  # pick the MI-consistent response among options
    "spot_change_talk",  # is this change talk, sustain talk or neither?
)

KINDS: tuple[str, ...] = FREE_TEXT_KINDS + ONE_CLICK_KINDS

CODES: tuple[str, ...] = (
    "open_question",
    "closed_question",
    "simple_reflection",
    "complex_reflection",
    "affirm",
    "seek_collaboration",
    "emphasize_autonomy",
    "give_information",
    "advise",
    "negotiate",
    "offer_options",
    "confront",
    "other",
)

# Friendly names people type after `drill` and the skill/kind they mean.
SKILL_ALIASES: dict[str, str] = {
    "open": "open_questions",
    "open_question": "open_questions",
    "open_questions": "open_questions",
    "questions": "open_questions",
    "affirm": "affirmations",
    "affirmation": "affirmations",
    "affirmations": "affirmations",
    "reflection": "simple_reflections",
    "reflections": "simple_reflections",
    "simple_reflection": "simple_reflections",
    "simple_reflections": "simple_reflections",
    "complex": "complex_reflections",
    "complex_reflection": "complex_reflections",
    "complex_reflections": "complex_reflections",
    "double_sided": "complex_reflections",
    "summary": "summaries",
    "summaries": "summaries",
    "empathy": "express_empathy",
    "express_empathy": "express_empathy",
    "discrepancy": "develop_discrepancy",
    "develop_discrepancy": "develop_discrepancy",
    "arguing": "avoid_arguing",
    "avoid_arguing": "avoid_arguing",
    "righting_reflex": "avoid_arguing",
    "resistance": "roll_with_resistance",
    "roll_with_resistance": "roll_with_resistance",
    "self_efficacy": "support_self_efficacy",
    "efficacy": "support_self_efficacy",
    "support_self_efficacy": "support_self_efficacy",
    "autonomy": "emphasize_autonomy",
    "emphasize_autonomy": "emphasize_autonomy",
    "change_talk": "change_talk",
    "change": "change_talk",
    "curiosity": "curiosity",
}

SKILL_TITLES: dict[str, str] = {
    "open_questions": "Open questions",
    "affirmations": "Affirmations",
    "simple_reflections": "Simple reflections",
    "complex_reflections": "Complex reflections",
    "summaries": "Summaries",
    "express_empathy": "Expressing empathy",
    "develop_discrepancy": "Developing discrepancy",
    "avoid_arguing": "Avoiding the righting reflex",
    "roll_with_resistance": "Rolling with resistance",
    "support_self_efficacy": "Supporting self-efficacy",
    "emphasize_autonomy": "Emphasising autonomy",
    "change_talk": "Evoking and recognising change talk",
    "curiosity": "Curiosity rather than correction",
}


def normalise_name(word: str) -> str:
    """Fold what a person typed ("Open-Questions") into our snake_case spelling."""
    return word.strip().lower().replace("-", "_").replace(" ", "_")

# The coder codes that "count as" a skill, where one exists: a wrong option of a one-click drill must not
# be coded as any of these, and a free-text reply practising the skill should be.
SKILL_CODES: dict[str, frozenset[str]] = {
    "open_questions": frozenset({"open_question"}),
    "affirmations": frozenset({"affirm"}),
    "simple_reflections": frozenset({"simple_reflection", "complex_reflection"}),
    "complex_reflections": frozenset({"complex_reflection"}),
    "express_empathy": frozenset({"simple_reflection", "complex_reflection"}),
    "emphasize_autonomy": frozenset({"emphasize_autonomy"}),
    "roll_with_resistance": frozenset({"simple_reflection", "complex_reflection", "emphasize_autonomy"}),
    "avoid_arguing": frozenset({"simple_reflection", "complex_reflection", "emphasize_autonomy"}),
}

# The free-text kind that practises each skill by default (a skill may use other kinds too).
SKILL_DEFAULT_KIND: dict[str, str] = {
    "open_questions": "open_question",
    "affirmations": "affirmation",
    "simple_reflections": "reflection",
    "complex_reflections": "complex_reflection",
    "summaries": "summary",
    "express_empathy": "reflection",
    "develop_discrepancy": "develop_discrepancy",
    "avoid_arguing": "roll_with_resistance",
    "roll_with_resistance": "roll_with_resistance",
    "support_self_efficacy": "affirmation",
    "emphasize_autonomy": "emphasize_autonomy",
    "change_talk": "spot_change_talk",
    "curiosity": "open_question",
}
