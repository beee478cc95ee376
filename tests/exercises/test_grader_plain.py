"""Plain, competent replies pass: a grader tuned against MI-inconsistent replies must not start revising the
ordinary good answer a trainee gives on a good day (#11: good replies revised <= 8%)."""

from __future__ import annotations

import pytest

from exercises.coder import learned
from exercises.grader import grade

pytestmark = pytest.mark.skipif(learned.load(learned.GRADER_FILE) is None, reason="learned model unavailable")

SUMMARY = ("Over the conversation the client said: (1) she drinks most nights; (2) it helps her unwind; (3) she's "
           "worried about her liver; (4) she wants to feel fresher in the mornings. Offer a summary.")

PLAIN_GOOD = [
    ("open_question", "Did you like it?", "What did you make of it?"),
    ("open_question", "Did you like it?", "What did you think of it?"),
    ("open_question", "Did you enjoy the course?", "What did you think of the course?"),
    ("open_question", "Are you happy at work?", "How are things at work for you?"),
    ("open_question", "Do you exercise?", "What does exercise look like in your week?"),
    ("open_question", "Is your sleep okay?", "How have you been sleeping?"),
    ("open_question", "Did the meeting go well?", "How did the meeting go?"),
    ("open_question", "Have you tried to cut down?", "What have you tried so far?"),
    ("reflection", "I'm exhausted after these night shifts.", "The night shifts are draining you."),
    ("reflection", "My boss never listens to me.", "You feel unheard at work."),
    ("reflection", "I can't keep up with all the emails.", "The emails are piling up faster than you can answer them."),
    ("complex_reflection", "I know I should stop smoking but it's the only thing that calms me down.",
     "Smoking is your way of coping, even though part of you wants to let it go."),
    ("affirmation", "I went to the gym three times this week.",
     "You made time for yourself three times despite a busy week."),
    ("affirmation", "I finally called my sister after two years.", "That took courage, reaching out after so long."),
    ("roll_with_resistance", "I don't need a coach, I know what I'm doing.",
     "You've got a lot of experience and you trust your own judgement."),
    ("roll_with_resistance", "This training is a waste of time.",
     "You'd rather be spending your time on something that matters to you."),
    ("emphasize_autonomy", "I'm not sure I want to change my diet.",
     "It's your decision, and you know best what will work in your life."),
    ("develop_discrepancy", "I want to be there for my kids but I work until 9 every night.",
     "Being there for your kids matters a lot, and the late nights keep pulling you away from them."),
    ("summary", SUMMARY, "So wine helps you unwind most nights, and at the same time you're worried about your "
     "liver and you'd like to wake up feeling fresher. What did I miss?"),
]


def test_plain_good_replies_pass() -> None:
    revised = [(kind, reply) for kind, prompt, reply in PLAIN_GOOD if grade(kind, prompt, reply).verdict != "pass"]
    # One miss in 19 (5%) is inside the 8% budget for good replies revised; two is not.
    assert len(revised) <= 1, revised
