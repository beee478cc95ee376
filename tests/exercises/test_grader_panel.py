"""The grading panel's cascade: the second opinion is skipped only where it cannot change the verdict."""

from __future__ import annotations

import numpy as np

from exercises.grader import SURE, first_stands


def test_a_first_opinion_stands_below_the_reach_of_any_second() -> None:
    """Between the sure ends, the first opinion stands only when no second P(pass) in [0, 1] could bring the
    panel's mean up to its mean threshold: skipping the second encoder pass there never changes a verdict."""
    for lines in (1.0, 1.1, 1.2, 1.4, 1.6):
        for p_first in np.linspace(SURE + 1e-3, 1 - SURE - 1e-3, 97):
            stands = first_stands(float(p_first), lines)
            could_pass = any(p_first + p_second >= lines for p_second in np.linspace(0.0, 1.0, 101))
            assert stands == (not could_pass), (lines, p_first)


def test_sure_first_opinions_stand() -> None:
    assert first_stands(SURE / 2, 1.2) and first_stands(1 - SURE / 2, 1.2)
    assert not first_stands(0.5, 1.2)
