"""`oars code` / `oars grade` line contracts, driven through io.StringIO."""

from __future__ import annotations

import io
import json

from bot.cli_coder import run_code, run_grade


def _run(fn, lines: list[str]) -> tuple[int, list[dict]]:
    out = io.StringIO()
    rc = fn(io.StringIO("\n".join(lines) + "\n"), out)
    return rc, [json.loads(line) for line in out.getvalue().splitlines()]


def test_code_in_order_with_bad_lines() -> None:
    rc, rows = _run(run_code, [
        json.dumps({"text": "What brings you here today?"}),
        "not json",
        "",
        "[1, 2]",
        json.dumps({"txt": "x"}),
        json.dumps({"text": 5}),
        json.dumps({"text": "You should quit."}),
        json.dumps({"text": "You feel stuck. What would help?"}),
    ])
    assert rc == 0
    assert len(rows) == 8
    assert rows[0]["code"] == "open_question" and 0 <= rows[0]["confidence"] <= 1
    assert all("error" in rows[i] for i in (1, 2, 3, 4, 5))
    assert rows[6]["code"] == "advise"
    assert rows[7]["code"] == "open_question" and len(rows[7]["sentences"]) == 2
    assert {"text", "code", "confidence"} <= set(rows[7]["sentences"][0])


def test_grade_in_order_with_bad_lines() -> None:
    good = {"kind": "open_question", "prompt": "Did you like it?", "reply": "What did you make of it?"}
    rc, rows = _run(run_grade, [
        json.dumps(good),
        json.dumps({**good, "kind": "bogus"}),
        json.dumps({"kind": "reflection", "prompt": "I'm tired."}),
        "{oops",
        "",
        json.dumps({**good, "reply": ""}),
        json.dumps({**good, "reply": "x" * 40_000}),
        json.dumps({**good, "reply": "Do you like it?", "model_answers": ["How was it for you?"]}),
    ])
    assert rc == 0
    assert len(rows) == 8
    assert rows[0]["verdict"] == "pass"
    assert set(rows[0]) == {"verdict", "score", "feedback", "model_answer", "codes"}
    assert all("error" in rows[i] for i in (1, 2, 3, 4))
    assert rows[5]["verdict"] == "revise" and rows[6]["verdict"] == "revise"
    assert rows[7]["verdict"] == "revise" and rows[7]["model_answer"] == "How was it for you?"


def test_flushes_after_each_line() -> None:
    class Counting(io.StringIO):
        flushes = 0

        def flush(self) -> None:
            Counting.flushes += 1
            super().flush()

    out = Counting()
    run_code(io.StringIO('{"text": "Hi."}\n{"text": "Bye."}\n'), out)
    assert Counting.flushes >= 2


def test_code_with_context_and_client_talk_contract() -> None:
    rc, rows = _run(run_code, [
        json.dumps({"text": "What would make it worth it for you?", "context": ["I don't know if I can stop."]}),
        json.dumps({"text": "I really want to be there for my kids.", "speaker": "client",
                    "context": ["What matters most to you?"]}),
        json.dumps({"text": "Hi", "context": "one turn as a string"}),
        json.dumps({"text": "Hi", "context": [1, 2]}),
        json.dumps({"text": "Hi", "speaker": "robot"}),
    ])
    assert rc == 0 and len(rows) == 5
    assert {"code", "confidence", "behaviour", "question_type", "reflection_type"} <= set(rows[0])
    assert rows[0]["behaviour"] in ("question", "reflection", "therapist_input", "other")
    assert rows[0]["question_type"] in ("open", "closed", None)
    assert rows[0]["reflection_type"] in ("simple", "complex", None)
    assert set(rows[1]) == {"talk", "confidence"} and rows[1]["talk"] in ("change", "sustain", "neutral")
    assert 0 <= rows[1]["confidence"] <= 1
    assert "code" in rows[2]
    assert "error" in rows[3] and "error" in rows[4]
