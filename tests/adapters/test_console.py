"""The console adapter, in-process and as the real `oars chat` command with piped stdin."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

from adapters.console import ConsoleSession, render_text
from bot.engine import Engine

SCRIPT = "drill open_question\nWhat matters most to you about that?\nstreak\n"


def run_chat(data_dir: Path, now: str, stdin: str, *extra: str) -> list[dict[str, object]]:
    env = {**os.environ, "OARS_DATA_DIR": str(data_dir), "OARS_NOW": now}
    env.pop("REDIS_URL", None)
    out = subprocess.run(
        [sys.executable, "-m", "bot.cli", "chat", "--user", "ana", "--tz", "Europe/Berlin", "--json", *extra],
        input=stdin, capture_output=True, text=True, env=env, timeout=120, check=True,
    )
    return [json.loads(line) for line in out.stdout.splitlines()]


def test_json_contract_and_streak_across_processes(tmp_path: Path) -> None:
    day1 = run_chat(tmp_path, "2026-03-02T09:00:00+01:00", SCRIPT)
    assert len(day1) == 3
    for line in day1:
        assert set(line) == {"text", "choices", "drill", "feedback", "streak"}
    drill, feedback, streak = day1
    assert drill["drill"]["kind"] == "open_question"  # type: ignore[index]
    assert set(drill["drill"]) == {"id", "kind", "skill", "prompt"}  # type: ignore[arg-type]
    assert feedback["feedback"]["verdict"] in {"pass", "revise"}  # type: ignore[index]
    assert feedback["feedback"]["model_answer"]  # type: ignore[index]
    assert set(feedback["feedback"]) >= {"verdict", "score", "feedback", "model_answer"}  # type: ignore[arg-type]
    assert streak["streak"]["current"] == 1  # type: ignore[index]

    day2 = run_chat(tmp_path, "2026-03-03T09:00:00+01:00", SCRIPT)
    assert day2[-1]["streak"]["current"] == 2  # type: ignore[index]
    after_gap = run_chat(tmp_path, "2026-03-06T09:00:00+01:00", SCRIPT)
    assert after_gap[-1]["streak"]["current"] == 1  # type: ignore[index]


def test_huge_and_empty_lines_get_clear_replies_and_the_session_goes_on(tmp_path: Path) -> None:
    lines = run_chat(tmp_path, "2026-03-02T09:00:00+01:00", "drill reflection\n" + "x" * 40_000 + "\n\nstreak\n")
    assert len(lines) == 4
    assert "40,000 characters" in str(lines[1]["text"])
    assert "empty" in str(lines[2]["text"])
    assert lines[3]["streak"] is not None


async def test_typed_choice_labels_act_as_buttons(engine: Engine) -> None:
    out = io.StringIO()
    session = ConsoleSession(engine, "U1", out, as_json=True)
    await session.say("help")
    await session.say("Another drill")
    replies = [json.loads(line) for line in out.getvalue().splitlines()]
    assert replies[1]["drill"] is not None


def test_plain_text_rendering_lists_buttons() -> None:
    from bot.messages import Choice, Reply

    text = render_text(Reply("*Hi*", choices=(Choice("Tip", "tip"),)))
    assert text.startswith("Hi") and "[Tip]" in text



def test_bad_settings_get_a_clear_message_and_exit_2(tmp_path: Path) -> None:
    for now in ("2026-03-02T09:00:00", "garbage"):
        env = {**os.environ, "OARS_DATA_DIR": str(tmp_path), "OARS_NOW": now}
        out = subprocess.run([sys.executable, "-m", "bot.cli", "chat", "--json"], input="streak\n",
                             capture_output=True, text=True, env=env, timeout=60)
        assert out.returncode == 2
        assert "OARS_NOW" in out.stderr and "Traceback" not in out.stderr


def test_quit_leaves_the_console_and_nothing_after_it_runs(tmp_path: Path) -> None:
    lines = run_chat(tmp_path, "2026-03-02T09:00:00+01:00", "drill reflection\nquit\nstreak\n")
    assert len(lines) == 1 and lines[0]["drill"] is not None


def test_ctrl_c_leaves_cleanly(tmp_path: Path) -> None:
    import signal
    import time

    env = {**os.environ, "OARS_DATA_DIR": str(tmp_path), "OARS_NOW": "2026-03-02T09:00:00+01:00"}
    env.pop("REDIS_URL", None)
    proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "chat", "--user", "ana"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write("help\n")
    proc.stdin.flush()
    assert proc.stdout.readline()  # the console is up and waiting for the next line
    time.sleep(0.3)
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode in (0, 130)
    assert "Traceback" not in err and "shutdown failed" not in err


def test_terminal_rendering_has_no_chat_markup() -> None:
    from bot import replies
    from bot.messages import Choice, DrillPart, Reply

    drill = DrillPart("x", "pick_response", "avoid_arguing", "p", one_click=True)
    reply = Reply(f"*Drill: Reflections*\n> They said so.\n1. A\n2. B\n{replies.CHOOSE_ONE}\n_e.g._ type `hint`",
                  choices=(Choice("A", "choice:0"), Choice("B", "choice:1")), drill=drill)
    text = render_text(reply)
    assert "*" not in text and "`" not in text and "_e.g._" not in text
    assert "tap" not in text and "Type its number (1-2)" in text
    assert "  │ They said so." in text
    assert "\033[1m" in render_text(reply, ansi=True)
