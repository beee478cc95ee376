"""The learned MI model at run time: loads from package data, one pass shared by coder and grader, small files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from exercises.coder import client_talk, code, learned
from exercises.grader import clear_verdicts, first_stands, grade, grading_signals, rule_view
from exercises.grading.text import fix_typos
from exercises.semantic.pairs import GRADING_BUDGET, encode_pair

DATA = Path(__file__).resolve().parents[2] / "exercises" / "data"


@pytest.fixture(scope="module")
def model() -> learned.MIModel:
    loaded = learned.load()
    if loaded is None:
        pytest.skip("encoder package not installed or OARS_SEMANTIC=0")
    return loaded


@pytest.mark.parametrize("file", [learned.MODEL_FILE, learned.GRADER_FILE, learned.SECOND_GRADER_FILE])
def test_model_files_are_small(file: str) -> None:
    assert (DATA / file).exists()
    assert (DATA / file).stat().st_size < 20 * 1024 * 1024


def test_the_grader_reads_its_own_file_and_the_coder_has_no_grading_head(model: learned.MIModel) -> None:
    grader = learned.load(learned.GRADER_FILE)
    assert grader is not None and grader is not model and grader.grade_heads is not None
    assert learned.load(learned.GRADER_FILE) is grader  # loaded once
    assert model.grade_heads is None
    with pytest.raises(ValueError):
        model.grade(model.run(("I'm tired.",), "You're worn out."), np.zeros(1, dtype=np.float32))


def test_both_grading_heads_read_the_stacked_question_signals() -> None:
    first, second = learned.load(learned.GRADER_FILE), learned.load(learned.SECOND_GRADER_FILE)
    assert first is not None and second is not None and second.grade_heads is not None
    full = grading_signals("open_question", "Did it go well?", "What went well, and how do you feel?",
                           rule_view("open_question", "Did it go well?", "What went well, and how do you feel?"))
    assert first.signal_width == second.signal_width == len(full)
    heads = first.run(("Did it go well?",), "What went well, and how do you feel?")
    with pytest.raises(ValueError):  # a signal vector of another width is refused, not misread
        first.grade(heads, full[:-1])


SECOND_OPINION_CASES = [
    ("reflection", "I never get a minute to myself.", "You're stretched thin and craving some space.", "pass"),
    ("roll_with_resistance", "I'm not filling in timesheets. I know what I work.",
     "Logging your hours protects you if there's ever a dispute.", "revise"),
    ("reflection", "My daughter has been in hospital for a week and nobody will tell us what's wrong.",
     "You granite teapot softly whistle under carpets of marble and yesterday.", "revise"),
]


def _first_opinion(first: learned.MIModel, kind: str, prompt: str, reply: str) -> float:
    text = fix_typos(reply.strip())
    sig = grading_signals(kind, prompt, text, rule_view(kind, prompt, reply))
    return first.grade(first.run((prompt,), text, GRADING_BUDGET), sig)[0]


def test_the_second_opinion_runs_its_own_encoder_only_when_it_could_change_the_verdict() -> None:
    """The two heads sit on differently tuned encoders; a first opinion that stands (sure, or out of the second's
    reach) is final, so most answers cost one encoder pass (#17) and a doubtful one gets a second reading."""
    first, second = learned.load(learned.GRADER_FILE), learned.load(learned.SECOND_GRADER_FILE)
    assert first is not None and second is not None
    assert second.encoder_key != first.encoder_key
    lines = sum(float(mi.meta["pass_threshold"]) for mi in (first, second))
    asked = []
    for kind, prompt, reply, expected in SECOND_OPINION_CASES:
        second._cache.clear()
        clear_verdicts()  # a remembered verdict would skip both encoders
        assert grade(kind, prompt, reply).verdict == expected
        stands = first_stands(_first_opinion(first, kind, prompt, reply), lines)
        assert bool(second._cache) == (not stands), reply
        asked.append(not stands)
    assert any(asked) and not all(asked)  # the cases show both paths


def test_heads_cover_the_contract(model: learned.MIModel) -> None:
    assert model.labels["behaviour"] == ["question", "reflection", "therapist_input", "other"]
    assert model.labels["talk"] == ["change", "sustain", "neutral"]
    heads = model.run(("I just can't get going in the mornings.",), "What would make mornings easier?")
    for name, probs in heads.probs.items():
        assert probs.shape == (len(model.labels[name]),)
        assert abs(float(probs.sum()) - 1.0) < 1e-4 and (probs >= 0).all()


def test_one_pass_is_shared_and_deterministic(model: learned.MIModel) -> None:
    model._cache.clear()
    a = model.run(("context",), "You feel stuck.")
    b = model.run(("context",), "You feel stuck.")
    assert a is b
    model._cache.clear()
    c = model.run(("context",), "You feel stuck.")
    assert np.allclose(a.vector, c.vector)


def test_batched_pass_matches_single(model: learned.MIModel) -> None:
    model._cache.clear()
    texts = ["You feel stuck.", "What would help?", "Have you tried going to bed earlier, because sleep matters?"]
    batched = model.run_many(("I never sleep.",), texts)
    model._cache.clear()
    for text, heads in zip(texts, batched, strict=True):
        assert np.allclose(model.run(("I never sleep.",), text).vector, heads.vector, atol=1e-4)


def test_pair_inputs_are_capped() -> None:
    from exercises import semantic

    encoder = semantic.encoder()
    if encoder is None:
        pytest.skip("encoder package not installed")
    ids, types = encode_pair(encoder.tokenizer, ["word " * 5000], "reply " * 10_000, GRADING_BUDGET)
    assert len(ids) == len(types) <= sum(GRADING_BUDGET) + 3
    assert types[0] == 0 and types[-1] == 1


@pytest.mark.parametrize("text", ["", "   ", "😀🙏", "?!", "x" * 40_000, "¿Qué tal?"])
def test_odd_input_never_raises(text: str) -> None:
    coding = code(text, ["<!channel> hello", ""])
    assert coding.behaviour in ("question", "reflection", "therapist_input", "other")
    assert 0.0 <= coding.confidence <= 1.0
    talk = client_talk(text, [text])
    assert talk.talk in ("change", "sustain", "neutral") and 0.0 <= talk.confidence <= 1.0


def test_subtypes_follow_behaviour(model: learned.MIModel) -> None:
    for text in ("What brings you here today?", "Did you take your tablets?", "You're worried about the cost.",
                 "You should stop smoking.", "Thanks for coming in."):
        c = code(text, ["I'm not sure about any of this."])
        assert (c.question_type is not None) == (c.behaviour == "question")
        assert (c.reflection_type is not None) == (c.behaviour == "reflection")
