"""`oars report`: the team report for operators, as text, one JSON object (`--json`) and/or a PNG (`--png`).

Exit codes: 0 ok, 2 bad usage, 1 the store or the chart failed. The JSON object is a contract (see README):
at least `members_active`, `drills_answered`, `skills` {skill: {mastery, previous}} and `withheld`.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path
from typing import IO, NoReturn

from bot.clock import Clock
from bot.config import Settings
from bot.redis_conn import RedisConnection
from bot.report_text import chart_title, report_text, scope_name
from bot.store import Store
from bot.team_data import Scope, TeamData

PLATFORMS = ("slack", "teams", "console")
MAX_WEEKS = 52


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _UsageError(f"{self.prog}: {message}")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="oars report", description="A team's practice: aggregates only, small groups held back.")
    parser.add_argument("--platform", required=True, choices=PLATFORMS)
    parser.add_argument("--workspace", required=True, help="Slack team id, Teams tenant id, or 'local' (console)")
    parser.add_argument("--channel", default="", help="one channel's team (default: the whole workspace)")
    parser.add_argument("--weeks", type=int, default=4, help=f"weeks in the participation series (1-{MAX_WEEKS})")
    parser.add_argument("--png", type=Path, default=None, help="also write the chart to this PNG file")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    return parser


async def run_report(settings: Settings, args: Sequence[str], stdout: IO[str], stderr: IO[str]) -> int:
    parser = _parser()
    try:
        opts = parser.parse_args(list(args))
    except _UsageError as err:
        stderr.write(f"{err}\n{parser.format_usage()}")
        return 2
    except SystemExit as done:  # --help printed itself
        return int(done.code or 0)
    if not 1 <= opts.weeks <= MAX_WEEKS:
        stderr.write(f"oars report: --weeks must be between 1 and {MAX_WEEKS}\n")
        return 2
    workspace, channel = opts.workspace.strip(), opts.channel.strip()
    if not workspace:
        stderr.write("oars report: --workspace must not be empty\n")
        return 2
    connection = RedisConnection(settings.redis_url, settings.oars_data_dir)
    try:
        store = Store(await connection.start())
        data = TeamData(store, settings.oars_default_tz)
        report = await data.report(Scope(opts.platform, workspace, channel), Clock(settings.oars_now).now(),
                                   opts.weeks)
    except Exception as error:  # no Redis at REDIS_URL, or the embedded one failed to start
        stderr.write(f"oars report: can't read the store ({error})\n")
        return 1
    finally:
        await connection.stop()
    scope = scope_name(channel, workspace)
    if opts.png is not None:
        from bot.report_chart import render_png

        try:
            opts.png.write_bytes(render_png(report, chart_title(scope)))
        except OSError as error:
            stderr.write(f"oars report: can't write {opts.png} ({error.strerror or error})\n")
            return 1
    if opts.json:
        body = {"platform": opts.platform, "workspace": workspace, "channel": channel or None, **report.as_json()}
        stdout.write(json.dumps(body, ensure_ascii=False) + "\n")
    else:
        plain = "\n".join(line.replace("*", "").strip("_") for line in report_text(report, scope).split("\n"))
        stdout.write(plain + "\n")
    return 0
