"""The simulated client: scripted members, determinism, no repeated lines, the state machine's table."""

from __future__ import annotations

import pytest

from exercises.coder import code
from exercises.roleplay import Session, build_report, cases, start, step
from exercises.roleplay.client import ClientState, effective_code, react
from tests.exercises.roleplay.scripts import ARGUING, CLOSED, REFLECTIVE


def play(case_id: str, seed: int, script: tuple[str, ...]) -> Session:
    case = cases()[case_id]
    session = start(case, seed)
    for line in script:
        coding = code(line, context=session.context())
        session = step(session, case, line, coding.code, coding.confidence)
    return session


@pytest.mark.parametrize("case_id", sorted(cases()))
def test_all_reflective_member_draws_change_talk_and_good_rq(case_id: str) -> None:
    for seed in (1, 2):
        report = build_report(play(case_id, seed, REFLECTIVE), cases()[case_id])
        assert report.change_talk > report.sustain_talk
        assert report.level("rq_ratio") == "good"
        assert report.mi_non_adherent <= 1


@pytest.mark.parametrize("case_id", sorted(cases()))
def test_arguing_member_draws_discord_and_sustain_talk(case_id: str) -> None:
    session = play(case_id, 3, ARGUING)
    report = build_report(session, cases()[case_id])
    assert report.sustain_talk > report.change_talk
    assert report.discord_turns >= 6 and any(t.discord for t in session.turns)
    assert report.mi_non_adherent >= 8
    assert all(report.globals[g] < 3.5 for g in report.globals)


def test_same_script_and_seed_give_the_same_session() -> None:
    script = (REFLECTIVE[0], ARGUING[0], CLOSED[0], CLOSED[1], REFLECTIVE[1], "What would you like to be different?")
    for case_id in sorted(cases())[:4]:
        assert play(case_id, 42, script) == play(case_id, 42, script)
    lines = {tuple(t.client for t in play("inhaler", s, ARGUING).turns) for s in range(1, 6)}
    assert len(lines) > 1  # the seed matters


@pytest.mark.parametrize("case_id", sorted(cases()))
def test_no_client_line_repeats_within_a_session(case_id: str) -> None:
    for script in (REFLECTIVE, ARGUING, CLOSED * 2, (REFLECTIVE[0], ARGUING[0]) * 6):
        session = play(case_id, 5, script)
        said = [session.opening] + [t.client for t in session.turns]
        assert len(said) == len(set(said)), said


def test_session_round_trips_as_plain_data() -> None:
    session = play("missed-deadlines", 9, REFLECTIVE[:5])
    assert Session.from_dict(session.to_dict()) == session


def test_state_machine_rows() -> None:
    calm = ClientState(engagement=2, discord=0, readiness=1)
    assert react(calm, "complex_reflection", True, 1, 1).category == "fact"
    assert react(calm, "complex_reflection", True, 1, 1).state == ClientState(3, 0, 2)
    assert react(calm, "open_question", True, 1, 1).category == "fact"
    assert react(calm, "closed_question", True, 1, 1).category == "short"
    assert react(calm, "other", True, 1, 1).category == "filler"  # "Hi Sam" gets "Mm.", not a case answer
    stacked = react(react(calm, "closed_question", True, 1, 1).state, "closed_question", True, 1, 2)
    assert stacked.state.discord == 1 and stacked.category == "sustain"
    angry = react(calm, "confront", True, 1, 1)
    assert angry.non_adherent and angry.state.discord == 2 and angry.category == "discord"
    advised = react(calm, "advise", True, 1, 1)
    assert advised.non_adherent and advised.category == "sustain" and advised.state.readiness == 0
    asked = react(calm, "seek_collaboration", True, 1, 1)
    assert asked.category == "permission" and asked.state.permission
    honoured = react(asked.state, "advise", True, 1, 2)
    assert not honoured.non_adherent and honoured.with_permission and honoured.state.readiness == 2
    assert not honoured.state.permission
    soothed = react(ClientState(2, 3, 1), "emphasize_autonomy", True, 1, 1)
    assert soothed.state.discord == 1
    assert effective_code("confront", 0.2) == "other" and effective_code("confront", 0.8) == "confront"


def test_report_arithmetic() -> None:
    case = cases()["inhaler"]
    session = start(case, 1)
    for text, c in [("a", "open_question"), ("b", "closed_question"), ("c", "simple_reflection"),
                    ("d", "complex_reflection"), ("e", "complex_reflection"), ("f", "affirm"),
                    ("g", "advise"), ("h", "seek_collaboration"), ("i", "give_information")]:
        session = step(session, case, text, c)
    report = build_report(session, case)
    assert (report.open_questions, report.closed_questions) == (1, 1)
    assert (report.simple_reflections, report.complex_reflections) == (1, 2)
    assert report.rq_ratio == 1.5 and report.pct_complex == 66.7 and report.pct_open == 50.0
    assert report.affirmations == 1 and report.mi_adherent == 2 and report.mi_non_adherent == 1
    assert report.change_talk + report.sustain_talk == sum(t.talk != "neutral" for t in session.turns)
    assert set(report.contract()) == {
        "open_questions", "closed_questions", "simple_reflections", "complex_reflections", "affirmations",
        "mi_adherent", "mi_non_adherent", "rq_ratio", "pct_complex", "pct_open", "change_talk", "sustain_talk",
        "globals"}
    assert set(report.globals) == {"cultivating_change_talk", "softening_sustain_talk", "partnership", "empathy"}
    assert report.level("rq_ratio") == "fair" and report.level("pct_complex") == "good"
    assert report.redo is not None and report.redo.turn == 7  # the unasked advice
    assert report.redo.suggestion == case.better["permission"]
    assert len(report.best) == 2 and all(m.turn != 7 for m in report.best)


@pytest.mark.parametrize("case_id", sorted(cases()))
def test_the_state_machine_alone_rewards_reflections_and_punishes_arguing(case_id: str) -> None:
    """Coder-independent: the codes are given, so this holds whatever model codes the turns."""
    case = cases()[case_id]
    for seed in range(1, 6):
        warm, cold = start(case, seed), start(case, seed)
        for n in range(12):
            warm = step(warm, case, "r", "complex_reflection" if n % 2 else "simple_reflection")
            cold = step(cold, case, "c", "confront" if n % 2 else "advise")
        kind, harsh = build_report(warm, case), build_report(cold, case)
        assert kind.change_talk > kind.sustain_talk and warm.state.discord == 0
        assert harsh.sustain_talk == 12 and harsh.change_talk == 0 and harsh.discord_turns >= 6
        assert min(kind.globals.values()) >= 3.5 > max(harsh.globals.values())


def test_asking_the_same_thing_again_gets_nothing_new() -> None:
    case = cases()[sorted(cases())[0]]
    session = start(case, 3)
    for _ in range(6):
        session = step(session, case, "What brings you here today?", "open_question")
    assert session.facts <= 1
    assert [t.category for t in session.turns[1:]] == ["repeat"] * 5
    assert len({t.client for t in session.turns}) == 6  # still no client line twice
    assert session.state.engagement < session.turns[0].engagement
    encouraged = start(case, 3)
    for _ in range(3):
        encouraged = step(encouraged, case, "Tell me more about that.", "open_question")
    assert "repeat" not in {t.category for t in encouraged.turns}
