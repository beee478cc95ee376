"""Reading a message while a drill is open: commands, answers, small talk, leaving, and the unclear ones."""

from __future__ import annotations

import pytest

from bot.commands import Command, resolve_drill_target
from bot.intent import classify
from exercises.practice import ONE_CLICK


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("tip client is angry", Command("tip", "client is angry")),
        ("tip how do I reflect feelings", Command("tip", "how do I reflect feelings")),
        ('tip how do I respond when someone says "you don\'t understand"',
         Command("tip", 'how do I respond when someone says "you don\'t understand"')),
        ("drill foo", Command("drill", "foo")),
        ("drill one_click", Command("drill", "one_click")),
        ("drill rolling with resistance", Command("drill", "rolling with resistance")),
        ("Help me", Command("help")),
        ("hint please", Command("hint")),
        ("Another drill", Command("drill")),
        ("next one", Command("drill")),
        ("streak", Command("streak")),
        ("hint?", Command("hint")),
        ("progress??", Command("progress")),
    ],
)
def test_commands_during_a_drill_are_commands(text: str, command: Command) -> None:
    assert classify(text, has_open_drill=True) == classify(text, has_open_drill=False)
    intent = classify(text, has_open_drill=True)
    assert intent.kind == "command" and intent.command == command


@pytest.mark.parametrize("text", ["thanks", "Thank you!", "ok", "OK 👍", "got it", "cool", "hi", "sure."])
def test_small_talk_is_never_an_answer(text: str) -> None:
    assert classify(text, has_open_drill=True).kind == "small_talk"
    assert classify(text, has_open_drill=False).kind == "small_talk"


@pytest.mark.parametrize("text", ["quit", "exit", "Bye!", "stop", "I'm done"])
def test_leaving_words(text: str) -> None:
    assert classify(text, has_open_drill=True).kind == "leave"


@pytest.mark.parametrize(
    "answer",
    [
        "Progress matters to you, and you've kept at it.",
        "Help me understand what happened next?",
        "Settings aside, you sound worn out.",
        "Drill down: what matters most here?",
        "Next time you'd like it to go differently.",
        "You're worn out by waiting for a fix.",
        "Pause for a second: you're saying the deadline is what worries you most?",
        "4",
    ],
)
def test_answers_that_start_like_commands_stay_answers(answer: str) -> None:
    assert classify(answer, has_open_drill=True).kind == "answer"


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Tip the balance: you want both things at once.", "tip"),
        ("progress report for my boss tomorrow morning", "progress"),
    ],
)
def test_unclear_messages_ask_answer_or_command(text: str, name: str) -> None:
    intent = classify(text, has_open_drill=True)
    assert intent.kind == "ambiguous" and intent.command is not None and intent.command.name == name


def test_long_messages_are_answers_not_questions_to_the_member() -> None:
    assert classify("progress " + "word " * 100, has_open_drill=True).kind == "answer"


def test_drill_targets_are_forgiving() -> None:
    assert resolve_drill_target("rolling with resistance") == ("roll_with_resistance", None)
    assert resolve_drill_target("a drill on summaries please") == ("summaries", None)
    assert resolve_drill_target("reflecton") == (None, "reflection")
    assert resolve_drill_target("one-click") == (None, ONE_CLICK)
    assert resolve_drill_target("Avoiding the righting reflex") == ("avoid_arguing", None)
    assert resolve_drill_target("astrology") is None
