"""The console backend: a first-class adapter for trying OARS with nothing installed.

Reads lines from stdin (a TTY or a pipe), sends each as an `Inbound` to the engine, prints replies as
plain text or, with --json, one JSON object per reply (a contract other tools rely on).
"""

from __future__ import annotations

import asyncio
import contextlib
import getpass
import json
import os
import re
import signal
import sys
import threading
import uuid
from typing import TextIO

from bot import replies
from bot.app import OarsApp
from bot.config import Settings
from bot.engine import Engine
from bot.messages import Inbound, Reply
from bot.store import MemberRef

WORKSPACE = "local"


_BOLD = re.compile(r"\*([^*\n]+)\*")
_ITALIC = re.compile(r"(?<![\w])_([^_\n]+)_(?![\w])")
_CODE = re.compile(r"`([^`\n]+)`")
LEAVE_WORDS = frozenset({"quit", "exit", "/quit", "/exit", ":q", "bye"})


def render_text(reply: Reply, ansi: bool = False) -> str:
    """Plain-text rendering for a terminal: chat markup turned into terminal text, quotes indented,
    "tap" wording replaced, then the buttons as words the person can type."""
    text = reply.text.replace(replies.CHOOSE_ONE, f"Type its number (1-{max(1, len(reply.choices))}).")
    bold, code, end = ("\033[1m", "\033[36m", "\033[0m") if ansi else ("", "", "")
    text = _BOLD.sub(lambda m: f"{bold}{m.group(1)}{end}", text)
    text = _ITALIC.sub(lambda m: m.group(1), text)
    text = _CODE.sub(lambda m: f"{code}{m.group(1)}{end}" if ansi else f"'{m.group(1)}'", text)
    lines = ["  │ " + line[2:] if line.startswith("> ") else line for line in text.split("\n")]
    if reply.choices and not (reply.drill and reply.drill.one_click):
        lines.append("  [" + "]  [".join(c.label for c in reply.choices) + "]  (type one)")
    if reply.chart is not None:
        lines.append("(The chart is a picture: `oars report --platform console --workspace local --png FILE` "
                     "writes it.)")
    return "\n".join(lines)


class ConsoleSession:
    """One person at a terminal; choices shown as buttons can be typed by their label."""

    def __init__(self, engine: Engine, user: str, out: TextIO, as_json: bool, ansi: bool = False) -> None:
        self.engine = engine
        self.user = user
        self.out = out
        self.as_json = as_json
        self.ansi = ansi
        # The buttons every reply may carry, typed by their label even before any reply showed them.
        self._last_choices: dict[str, str] = {c.label.lower(): c.value for c in
                                              (replies.ANOTHER, replies.TIP, replies.HINT, replies.SKIP)}

    def _inbound(self, line: str) -> Inbound:
        action = self._last_choices.get(line.strip().lower())
        return Inbound(
            platform="console",
            workspace=WORKSPACE,
            channel=f"console:{self.user}",
            user=self.user,
            text="" if action else line,
            message_id=uuid.uuid4().hex,
            is_direct=True,
            is_manager=True,
            display_name=self.user,
            action=action,
        )

    async def say(self, line: str) -> None:
        msg = self._inbound(line)
        for reply in await self.engine.handle(msg):
            self._last_choices = {c.label.lower(): c.value for c in
                                  (*reply.choices, replies.ANOTHER, replies.TIP, replies.HINT, replies.SKIP)}
            self._print(reply)
        await self.engine.delivered(msg)

    def _print(self, reply: Reply) -> None:
        if self.as_json:
            self.out.write(json.dumps(reply.as_json(), ensure_ascii=False) + "\n")
        else:
            self.out.write(render_text(reply, self.ansi) + "\n\n")
        self.out.flush()


async def run_console(
    settings: Settings, user: str | None, tz: str | None, as_json: bool,
    stdin: TextIO | None = None, stdout: TextIO | None = None,
) -> int:
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    user = user or getpass.getuser() or "me"
    app = OarsApp(settings)
    try:
        engine = await app.start()
    except Exception as error:  # no Redis at REDIS_URL, or the embedded one failed to start
        print(f"oars: can't open the store ({error}).", file=sys.stderr)
        return 1
    try:
        if tz and not await engine.set_timezone(MemberRef("console", WORKSPACE, user), tz):
            print(f"oars: unknown time zone {tz!r}; use an IANA name like Europe/Berlin.", file=sys.stderr)
            return 2
        ansi = stdout.isatty() and not os.environ.get("NO_COLOR")
        session = ConsoleSession(engine, user, stdout, as_json, ansi)
        interactive = stdin.isatty()
        if interactive and not as_json:
            stdout.write(f"OARS console coach. Hi {user}! Type `help`, `drill` or `tip`; "
                         "`quit` (or Ctrl-D) to leave.\n\n".replace("`", "'"))
        lines = _LineReader(stdin)
        while True:
            if interactive:
                stdout.write("> ")
                stdout.flush()
            line = await lines.next()
            if line is None or line.strip().lower() in LEAVE_WORDS:
                break
            await session.say(line.rstrip("\n"))
        if interactive and not as_json:
            stdout.write("\nBye for now. Your streak and progress are saved.\n")
    finally:
        await app.stop()
    return 0


class _LineReader:
    """Lines from stdin on a daemon thread, so Ctrl-C or Ctrl-D never leaves a blocked thread behind
    (an executor thread stuck in readline would hold the process open at exit)."""

    def __init__(self, stdin: TextIO) -> None:
        self._loop = asyncio.get_running_loop()
        self._queue: asyncio.Queue[str | None] = asyncio.Queue()
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            self._loop.add_signal_handler(signal.SIGINT, self._queue.put_nowait, None)
        threading.Thread(target=self._pump, args=(stdin,), daemon=True, name="oars-stdin").start()

    def _pump(self, stdin: TextIO) -> None:
        try:
            for line in iter(stdin.readline, ""):
                self._loop.call_soon_threadsafe(self._queue.put_nowait, line)
        except (OSError, ValueError, RuntimeError):
            pass
        with contextlib.suppress(RuntimeError):  # the loop may already be closed
            self._loop.call_soon_threadsafe(self._queue.put_nowait, None)

    async def next(self) -> str | None:
        """The next line, or None at end of input or on Ctrl-C."""
        return await self._queue.get()
