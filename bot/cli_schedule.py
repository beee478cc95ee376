"""`oars schedule add|list|remove`: the operator's view of channel schedules, with the chat's validation.

Exit codes: 0 ok, 1 unknown schedule id, 2 bad usage or input (an exact duplicate of an existing
schedule, same platform, workspace, channel, time, zone and days, is refused naming the existing id).
`add` prints only the new id on stdout so scripts can capture it; `remove` confirms with "removed ID (…)".
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from typing import IO, NoReturn

from bot.config import Settings
from bot.redis_conn import RedisConnection
from bot.schedules import PLATFORMS, ScheduleStore, validate
from exercises.schedule_math import ScheduleError


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so errors go to our stderr with exit code 2."""

    def error(self, message: str) -> NoReturn:
        raise _UsageError(f"{self.prog}: {message}")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="oars schedule", description="Channel drill schedules.")
    sub = parser.add_subparsers(dest="action", metavar="add|list|remove", parser_class=_Parser)
    add = sub.add_parser("add", help="schedule a daily channel drill; prints the new id")
    add.add_argument("--platform", required=True, choices=PLATFORMS)
    add.add_argument("--workspace", required=True, help="Slack team id or Teams tenant id")
    add.add_argument("--channel", required=True, help="channel / conversation id")
    add.add_argument("--at", required=True, help="local time: HH:MM (24-hour), or 7am / 7:30pm")
    add.add_argument("--tz", required=True, help="IANA time zone, e.g. Europe/Berlin")
    add.add_argument("--days", default=None, help="mon-fri (default), mon,wed,fri, weekdays, weekends, daily")
    add.add_argument("--skill", default=None, help="focus skill, e.g. reflections (default: any)")
    listing = sub.add_parser("list", help="every schedule")
    listing.add_argument("--json", action="store_true", help="a JSON list of schedule objects")
    remove = sub.add_parser("remove", help="delete a schedule by id")
    remove.add_argument("id")
    return parser


def _what(kind: str, skill: str) -> str:
    """The listing's focus column: the skill (or 'any'), 'digest', or 'roleplay:<focus or any>'."""
    if kind == "digest":
        return "digest"
    if kind == "roleplay":
        return f"roleplay:{'-'.join(skill.split()) or 'any'}"
    return skill or "any"


async def run_schedule(settings: Settings, args: Sequence[str], stdout: IO[str], stderr: IO[str]) -> int:
    parser = _parser()
    try:
        opts = parser.parse_args(list(args))
    except _UsageError as err:
        stderr.write(f"{err}\n{parser.format_usage()}")
        return 2
    except SystemExit as done:  # --help printed itself
        return int(done.code or 0)
    if opts.action is None:
        stderr.write(parser.format_help())
        return 2
    if opts.action == "add":
        try:
            spec = validate(opts.at, opts.tz, opts.days, opts.skill)
        except ScheduleError as problem:
            stderr.write(f"oars schedule add: {problem}\n")
            return 2
        if not opts.workspace.strip() or not opts.channel.strip():
            stderr.write("oars schedule add: --workspace and --channel must not be empty\n")
            return 2
    connection = RedisConnection(settings.redis_url, settings.oars_data_dir)
    store = ScheduleStore(await connection.start())
    try:
        if opts.action == "add":
            workspace, channel = opts.workspace.strip(), opts.channel.strip()
            same = [s for s in await store.all() if s.kind != "roleplay" and (
                s.platform, s.workspace, s.channel, s.at, s.tz, s.days)
                == (opts.platform, workspace, channel, spec.at, spec.tz, spec.days)]
            if same:
                stderr.write(f"oars schedule add: schedule {same[0].id} already posts to {opts.platform}:{workspace}:"
                             f"{channel} at {spec.at} {spec.tz} on {spec.days}; nothing added "
                             f"(remove it first with `oars schedule remove {same[0].id}`)\n")
                return 2
            schedule = await store.add(opts.platform, workspace, channel, spec, "operator")
            stdout.write(f"{schedule.id}\n")
            return 0
        if opts.action == "list":
            schedules = await store.all()
            if opts.json:
                stdout.write(json.dumps([s.as_json() for s in schedules], indent=2) + "\n")
            else:
                for s in schedules:
                    state = "paused" if s.paused else "active"
                    stdout.write(f"{s.id}  {s.platform}:{s.workspace}:{s.channel}  {s.at} {s.tz}  {s.days}  "
                                 f"{_what(s.kind, s.skill)}  {state}\n")
            return 0
        gone = next((s for s in await store.all() if s.id == opts.id), None)
        if await store.remove(opts.id):
            where = f" ({gone.platform}:{gone.workspace}:{gone.channel} at {gone.at} {gone.tz} on {gone.days})" \
                if gone else ""
            stdout.write(f"removed {opts.id}{where}\n")
            return 0
        stderr.write(f"oars schedule remove: no schedule {opts.id!r}\n")
        return 1
    finally:
        await connection.stop()
