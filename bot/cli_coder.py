"""`oars code` and `oars grade`: JSON lines in, one JSON line out per input line, in order.

A bad line never stops the stream: it gets an {"error": ...} line in its place, so a caller can zip
inputs with outputs. Output is flushed after every line so the commands work as pipes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TextIO

from exercises.coder import client_talk, code
from exercises.grader import grade
from exercises.grading.text import MAX_SUMMARY_CHARS
from exercises.vocabulary import FREE_TEXT_KINDS

MAX_LINE_CHARS = 200_000  # far above any real input; keeps one pasted novel from eating memory


class LineError(ValueError):
    """A problem with one input line, reported as {"error": message}."""


def _parse(line: str) -> dict[str, Any]:
    if not line.strip():
        raise LineError("blank line: expected a JSON object")
    if len(line) > MAX_LINE_CHARS:
        raise LineError(f"line too long ({len(line)} characters)")
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise LineError(f"not valid JSON: {exc.msg}") from None
    if not isinstance(obj, dict):
        raise LineError("expected a JSON object")
    return obj


def _text_field(obj: dict[str, Any], name: str) -> str:
    if name not in obj:
        raise LineError(f"missing field: {name}")
    value = obj[name]
    if not isinstance(value, str):
        raise LineError(f"field {name} must be a string")
    return value


def _context_field(obj: dict[str, Any]) -> list[str]:
    context = obj.get("context", [])
    if context is None:
        return []
    if isinstance(context, str):
        return [context]
    if not isinstance(context, list) or not all(isinstance(t, str) for t in context):
        raise LineError("context must be a list of strings (the preceding turns, oldest first)")
    return context


def _code_one(obj: dict[str, Any]) -> dict[str, Any]:
    text = _text_field(obj, "text")
    if len(text) > MAX_SUMMARY_CHARS * 4:
        raise LineError(f"text too long ({len(text)} characters); send one turn at a time")
    context = _context_field(obj)
    speaker = obj.get("speaker", "therapist")
    if speaker not in ("therapist", "client", None):
        raise LineError("speaker must be 'therapist' or 'client'")
    if speaker == "client":
        return client_talk(text, context).as_dict()
    return code(text, context).as_dict()


def _grade_one(obj: dict[str, Any]) -> dict[str, Any]:
    kind = _text_field(obj, "kind")
    if kind not in FREE_TEXT_KINDS:
        raise LineError(f"unknown kind: {kind}; expected one of {', '.join(FREE_TEXT_KINDS)}")
    prompt = _text_field(obj, "prompt")
    reply = _text_field(obj, "reply")
    answers = obj.get("model_answers", [])
    if isinstance(answers, str):
        answers = [answers]
    if not isinstance(answers, list) or not all(isinstance(a, str) for a in answers):
        raise LineError("model_answers must be a list of strings")
    return grade(kind, prompt, reply, answers).as_dict()


def _run(stdin: TextIO, stdout: TextIO, handle: Callable[[dict[str, Any]], dict[str, Any]]) -> int:
    for raw in stdin:
        line = raw.rstrip("\r\n")
        try:
            result = handle(_parse(line))
        except LineError as exc:
            result = {"error": str(exc)}
        except ValueError as exc:  # the grader's own refusal (e.g. an unknown kind)
            result = {"error": str(exc)}
        stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
        stdout.flush()
    return 0


def run_code(stdin: TextIO, stdout: TextIO) -> int:
    """`oars code`: {"text", "context"?} -> {"code", "confidence", "behaviour", "question_type",
    "reflection_type", "input_type", "sentences"}; {"text", "speaker": "client", "context"?} -> {"talk",
    "confidence"}."""
    return _run(stdin, stdout, _code_one)


def run_grade(stdin: TextIO, stdout: TextIO) -> int:
    """`oars grade`: {"kind", "prompt", "reply"[, "model_answers"]} -> a verdict object per line."""
    return _run(stdin, stdout, _grade_one)
