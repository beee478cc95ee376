"""The console backend: a first-class adapter for trying OARS with nothing installed.

Reads lines from stdin (a TTY or a pipe), sends each as an `Inbound` to the engine, prints replies as
plain text or, with --json, one JSON object per reply (a contract other tools rely on).
"""

from __future__ import annotations

import asyncio
import getpass
import json
import sys
import uuid
from typing import TextIO

from bot.app import OarsApp
from bot.config import Settings
from bot.engine import Engine
from bot.messages import Inbound, Reply
from bot.store import MemberRef

WORKSPACE = "local"


def render_text(reply: Reply) -> str:
    """Plain-text rendering: the reply text, then numbered choices the person can type."""
    lines = [reply.text.replace("*", "")]
    if reply.choices and not (reply.drill and reply.drill.one_click):
        lines.append("  [" + "]  [".join(c.label for c in reply.choices) + "]")
    return "\n".join(lines)


class ConsoleSession:
    """One person at a terminal; choices shown as buttons can be typed by their label."""

    def __init__(self, engine: Engine, user: str, out: TextIO, as_json: bool) -> None:
        self.engine = engine
        self.user = user
        self.out = out
        self.as_json = as_json
        self._last_choices: dict[str, str] = {}

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
            self._last_choices = {c.label.lower(): c.value for c in reply.choices}
            self._print(reply)
        await self.engine.delivered(msg)

    def _print(self, reply: Reply) -> None:
        if self.as_json:
            self.out.write(json.dumps(reply.as_json(), ensure_ascii=False) + "\n")
        else:
            self.out.write(render_text(reply) + "\n\n")
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
        session = ConsoleSession(engine, user, stdout, as_json)
        interactive = stdin.isatty()
        if interactive and not as_json:
            stdout.write(f"OARS console coach. Hi {user}! Type `help`, `drill` or `tip`; Ctrl-D to leave.\n\n")
        while True:
            if interactive:
                stdout.write("> ")
                stdout.flush()
            line = await asyncio.to_thread(stdin.readline)
            if not line:
                break
            await session.say(line.rstrip("\n"))
    finally:
        await app.stop()
    return 0
