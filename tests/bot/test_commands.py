"""Command parsing: commands are found, answers are never mistaken for commands."""

from __future__ import annotations

import pytest

from bot.commands import Command, parse, resolve_drill_target


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("drill", Command("drill")),
        ("/oars drill reflection", Command("drill", "reflection")),
        ("Tip: client says they're fine", Command("tip", "client says they're fine")),
        ("STREAK", Command("streak")),
        ("settings tz Europe/Berlin", Command("settings", "tz Europe/Berlin")),
        ("forget me", Command("forget", "me")),
        ("oars", Command("help")),
    ],
)
def test_commands_without_an_open_drill(text: str, expected: Command) -> None:
    assert parse(text, has_open_drill=False) == expected


@pytest.mark.parametrize(
    "answer",
    [
        "Progress matters to you, and you've kept at it.",
        "Help me understand what happened next?",
        "Tip the balance: you want both things at once.",
        "Settings aside, you sound worn out.",
        "Drill down: what matters most here?",
    ],
)
def test_answers_with_command_like_first_words_stay_answers(answer: str) -> None:
    assert parse(answer, has_open_drill=True) is None


def test_unmistakable_commands_still_work_with_an_open_drill() -> None:
    assert parse("streak", has_open_drill=True) == Command("streak")
    assert parse("drill affirmations", has_open_drill=True) == Command("drill", "affirmations")
    assert parse("tip: they're angry at me", has_open_drill=True) == Command("tip", "they're angry at me")


def test_drill_targets_resolve_skills_and_kinds() -> None:
    assert resolve_drill_target("open_question") == (None, "open_question")
    assert resolve_drill_target("Open-Questions") == ("open_questions", None)
    assert resolve_drill_target("reflection") == (None, "reflection")
    assert resolve_drill_target("") == (None, None)
    assert resolve_drill_target("astrology") is None


def test_did_you_mean_only_for_short_slips() -> None:
    from bot.commands import did_you_mean

    assert did_you_mean("streek") == "streak"
    assert did_you_mean("setings tz Europe/Paris") == "settings tz Europe/Paris"
    assert did_you_mean("Progressive relaxation helps me sleep") is None
    assert did_you_mean("drill") is None and did_you_mean("banana") is None
