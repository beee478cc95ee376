"""The MI coder on clear cases of every code, odd input, and the multi-sentence main-code logic."""

from __future__ import annotations

import pytest

from exercises.coder import Coding, _agree_with_turn, code, main_code
from exercises.vocabulary import CODES

CLEAR: list[tuple[str, str]] = [
    ("What brings you in today?", "open_question"),
    ("How has the new schedule been working for you?", "open_question"),
    ("Could you describe what a typical morning looks like?", "open_question"),
    ("Tell me about the last time that happened.", "open_question"),
    ("Did you take your tablets this morning?", "closed_question"),
    ("Are you happy with the result?", "closed_question"),
    ("How many hours did you work last week?", "closed_question"),
    ("Don't you think you should talk to her?", "closed_question"),
    ("You've asked three times already.", "simple_reflection"),
    ("Part of you wants to stay, and part of you is already looking for the exit.", "complex_reflection"),
    ("You've stuck with it for six months, which shows real commitment.", "affirm"),
    ("Would it be okay if I shared some information about that?", "seek_collaboration"),
    ("It's entirely your choice what you do next.", "emphasize_autonomy"),
    ("The clinic is open until six on weekdays.", "give_information"),
    ("You should stop smoking before the operation.", "advise"),
    ("So the plan is to call your sister on Sunday, and we'll review it next week.", "negotiate"),
    ("Some people use patches, others prefer gum, and some go cold turkey.", "offer_options"),
    ("You're just making excuses.", "confront"),
    ("Thanks for coming in today.", "other"),
]


@pytest.mark.parametrize(("text", "expected"), CLEAR)
def test_clear_cases(text: str, expected: str) -> None:
    result = code(text)
    assert result.code == expected, (text, result)
    assert 0.0 <= result.confidence <= 1.0


def test_every_code_is_covered_by_the_clear_cases() -> None:
    assert {c for _, c in CLEAR} == set(CODES)


@pytest.mark.parametrize("text", ["", "   ", "😀🙏", "?!", "x" * 40_000, "¿Qué tal?"])
def test_odd_input_never_raises(text: str) -> None:
    result = code(text)
    assert result.code in CODES
    assert 0.0 <= result.confidence <= 1.0


def test_reflection_then_question_is_coded_by_the_question() -> None:
    result = code("That sounds really hard. What has helped you get through it?")
    assert result.code == "open_question"
    assert result.sentences[0][1] in ("simple_reflection", "complex_reflection")
    assert len(result.sentences) == 2


def test_advice_dominates_a_mixed_turn() -> None:
    assert code("You've had a tough week. You need to start going to bed earlier.").code == "advise"


def test_summary_with_a_closing_check_stays_a_reflection() -> None:
    seq = (
        ("You hate the commute.", "simple_reflection", 0.9),
        ("You love your team, and that makes leaving hard.", "complex_reflection", 0.8),
        ("Did I get that right?", "closed_question", 0.9),
    )
    assert main_code(seq)[0] == "complex_reflection"


def test_options_with_a_short_tag_stay_options() -> None:
    assert code("You could walk, swim or cycle. Which appeals?").code == "offer_options"


def test_as_dict_shape() -> None:
    data = Coding("other", 1.0, (("Hi.", "other", 1.0),)).as_dict()
    assert data == {"code": "other", "confidence": 1.0, "behaviour": "other", "question_type": None,
                    "reflection_type": None, "input_type": None,
                    "sentences": [{"text": "Hi.", "code": "other", "confidence": 1.0}]}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Why don't you try the app?", "advise"),
        ("It's up to you, but you should go.", "advise"),
        ("Your call.", "emphasize_autonomy"),
        ("Would it be okay if I shared an idea?", "seek_collaboration"),
        ("Can you tell me about your week?", "open_question"),
    ],
)
def test_near_certain_rules(text: str, expected: str) -> None:
    assert code(text).code == expected


def test_an_unsure_code_gives_way_to_the_turns_behaviour() -> None:
    coded = (("Going back would be a big mistake.", "confront", 0.22),
             ("You'll be back here within a year.", "complex_reflection", 0.24))
    assert _agree_with_turn(("complex_reflection", 0.24), coded, "therapist_input") == ("confront", 0.22)
    # A confident pick stays (main_code's documented exceptions), and so does one no sentence can replace.
    assert _agree_with_turn(("offer_options", 0.8), coded, "question") == ("offer_options", 0.8)
    assert _agree_with_turn(("complex_reflection", 0.24), coded, "question") == ("complex_reflection", 0.24)
    assert _agree_with_turn(("complex_reflection", 0.24), coded, "reflection") == ("complex_reflection", 0.24)
