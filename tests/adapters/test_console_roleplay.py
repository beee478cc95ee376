"""`oars chat --json` role-play contract (issue #14, item 4), across a process restart."""

from __future__ import annotations

from pathlib import Path

from tests.adapters.test_console import run_chat

BASE = {"text", "choices", "drill", "feedback", "streak"}
REPORT_KEYS = {"open_questions", "closed_questions", "simple_reflections", "complex_reflections", "affirmations",
               "mi_adherent", "mi_non_adherent", "rq_ratio", "pct_complex", "pct_open", "change_talk",
               "sustain_talk", "globals"}
GLOBAL_KEYS = {"cultivating_change_talk", "softening_sustain_talk", "partnership", "empathy"}


def test_json_contract_for_a_role_play_that_spans_two_processes(tmp_path: Path) -> None:
    now = "2026-03-02T09:00:00+01:00"
    first = run_chat(tmp_path, now, "roleplay inhaler seed 3\nWhat brings you in today?\n"
                                    "You're not keen on taking something every day.\n")
    second = run_chat(tmp_path, now, "You should just use the brown one.\nDo you forget it?\nend\n")
    lines = first + second
    assert len(lines) == 6
    turns = [line["roleplay"] for line in lines[:5]]
    for n, (line, part) in enumerate(zip(lines[:5], turns, strict=True)):
        assert set(line) == BASE | {"roleplay"}
        assert set(part) == {"case", "turn", "client_talk", "discord"}  # type: ignore[arg-type]
        assert part["case"] == "inhaler" and part["turn"] == n  # type: ignore[index]
        assert part["client_talk"] in {"change", "sustain", "neutral"}  # type: ignore[index]
        assert isinstance(part["discord"], bool)  # type: ignore[index]
    report = lines[5]
    assert set(report) == BASE | {"report"}
    numbers = report["report"]
    assert set(numbers) == REPORT_KEYS  # type: ignore[arg-type]
    assert set(numbers["globals"]) == GLOBAL_KEYS  # type: ignore[index]
    assert numbers["open_questions"] == 1 and numbers["closed_questions"] == 1  # type: ignore[index]
    assert numbers["mi_non_adherent"] == 1  # type: ignore[index]
    assert all(1.0 <= v <= 5.0 for v in numbers["globals"].values())  # type: ignore[index]
    again = run_chat(tmp_path / "other", now, "roleplay inhaler seed 3\nWhat brings you in today?\n"
                                              "You're not keen on taking something every day.\n")
    assert again == first  # same script and seed, fresh store: the same session
