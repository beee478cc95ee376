"""The report's "one to redo": its example line never leans on something the member was never told."""

from __future__ import annotations

from bot.roleplay_replies import report_text, report_view
from exercises.roleplay import build_report, cases, start, step
from exercises.roleplay.report import heard_of


def brief(case_id: str) -> str:
    case = cases()[case_id]
    return " ".join([case.title, case.persona, case.you_are, case.topic, case.client])


def test_a_line_about_an_undisclosed_fact_waits_until_the_client_has_said_it() -> None:
    case = cases()["career-change"]
    niece = case.better["reflection"]  # about the Sunday tutoring, which Mei discloses only later
    assert "niece" in niece
    opening = case.lines("opening")[0]
    assert not heard_of(niece, case, f"{brief(case.id)} {opening}")
    assert heard_of(niece, case, f"{brief(case.id)} {opening} {case.facts[0].text}")


def test_lines_without_private_details_are_always_shown() -> None:
    case = cases()["career-change"]
    opening = case.lines("opening")[0]
    for kind in ("open_question", "autonomy", "permission"):
        assert heard_of(case.better[kind], case, f"{brief(case.id)} {opening}")


def test_once_everything_is_said_nearly_every_better_line_is_shown() -> None:
    """Everyday words ('team', 'feel') and inferred values are not private knowledge; a reflection may add them."""
    shown = total = 0
    for case in cases().values():
        said = [line for kind in ("opening", "facts", "change", "sustain", "discord", "short")
                for line in case.lines(kind)]
        heard = " ".join([brief(case.id), *said])
        for line in case.better.values():
            total += 1
            shown += heard_of(line, case, heard)
    assert shown / total >= 0.9


def test_a_one_turn_session_points_at_the_clients_own_words() -> None:
    case = cases()["career-change"]
    session = step(start(case, 78065), case, "I can hear this is hard for you.", "other", 0.9)
    report = build_report(session, case)
    assert report.redo is not None and report.redo.suggestion == ""
    assert report.redo.before == session.opening
    view = report_view(report, case, "bye")
    text = report_text(report, view)
    assert f'Try it on what Mei had just said: "{session.opening}"' in text
    assert "niece" not in text


def test_after_the_fact_is_disclosed_the_case_line_is_suggested() -> None:
    case = cases()["career-change"]
    session = start(case, 5)
    for line in ("It sounds like this keeps coming back because it matters to you.",
                 "Part of you is tired of circling, and part of you still wants it.",
                 "You light up when you talk about explaining things."):
        session = step(session, case, line, "complex_reflection", 0.9)
    assert session.facts >= 1
    session = step(session, case, "ok", "other", 0.9)
    report = build_report(session, case)
    assert report.redo is not None and report.redo.turn == 4
    assert report.redo.suggestion == case.better["reflection"]
    assert report_view(report, case, "bye")["redo"]["try"] == "Try:"
