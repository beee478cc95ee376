"""The grading head's surface signals: shapes the pooled vector blurs, computed the same at training and run time."""

from __future__ import annotations

import numpy as np
import pytest

from exercises.grading.signals import DIM, KINDS, signals

K = len(KINDS)
STACKED, JOINED = K + 10, K + 11


def _sig(reply: str, kind: str = "open_question", prompt: str = "Did the new rota work for you?") -> np.ndarray:
    out = signals(kind, prompt, reply)
    assert out.shape == (DIM,) and out.dtype == np.float32
    return out


@pytest.mark.parametrize("reply", [
    "What works about the rota, and how could we change it?",
    "How did the handover go? What would you do differently?",
    "so what do u make of it and how do u feel",
])
def test_two_questions_in_one_reply_are_stacked(reply: str) -> None:
    out = _sig(reply)
    assert out[STACKED] == 1.0 and out[JOINED] == 0.0


def test_a_two_sided_question_is_joined_not_stacked() -> None:
    out = _sig("What works about the rota, and what doesn't?")
    assert out[STACKED] == 0.0 and out[JOINED] == 1.0


@pytest.mark.parametrize("reply", ["How has the rota been for you?", "You feel stretched by the new rota.", "", "🙃"])
def test_one_question_or_a_statement_is_neither(reply: str) -> None:
    out = _sig(reply)
    assert out[STACKED] == 0.0 and out[JOINED] == 0.0


def test_kind_is_one_hot() -> None:
    out = _sig("You feel stretched.", kind="reflection")
    assert out[:K].sum() == 1.0 and out[KINDS.index("reflection")] == 1.0


def test_the_grader_appends_how_close_the_reply_means_to_the_client() -> None:
    """The last two grading signals: the meaning link to the client's words and its 'weak' flag. A reply about
    something the client never said links less than a reflection of what they did say."""
    from exercises import semantic
    from exercises.grader import grading_signals, rule_view
    from exercises.grading.signals import RULE_SIGNALS

    if not semantic.available():
        pytest.skip("the base encoder is unavailable")
    prompt = 'Reflect: Client: "Cold-calling terrifies me, but I did fine at the networking event last month."'

    def tail(reply: str) -> np.ndarray:
        out = grading_signals("reflection", prompt, reply, rule_view("reflection", prompt, reply))
        assert out.shape == (DIM + RULE_SIGNALS,) and out.dtype == np.float32
        return out[-2:]

    on = tail("Picking up the phone scares you, and yet face to face you held your own.")
    off = tail("The rota keeps changing and it leaves you no time for your kids.")
    assert on[0] > off[0] + 0.1
    assert on[1] == 0.0 and off[1] == 1.0
