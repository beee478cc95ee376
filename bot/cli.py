"""`oars`: the one command line. Each subcommand imports its parts lazily so `oars code` starts fast."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Sequence


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="oars", description="OARS: practise motivational interviewing.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    chat = sub.add_parser("chat", help="the console coach (stdin/stdout; works with piped input)")
    chat.add_argument("--user", default=None, help="member name (default: your login name)")
    chat.add_argument("--tz", default=None, help="your IANA time zone, e.g. Europe/Berlin")
    chat.add_argument("--json", action="store_true", help="print each reply as one JSON line")

    serve = sub.add_parser("serve", help="HTTP server: Slack /slack/events, Teams /api/messages, /healthz")
    serve.add_argument("--port", type=int, default=None, help="port (default: $PORT or 3000)")
    serve.add_argument("--host", default="0.0.0.0")
    serve.add_argument("--processes", type=int, default=None,
                       help="web processes sharing the port, one per core (default: $OARS_WEB_PROCESSES or 1)")

    sub.add_parser("socket", help="Slack over Socket Mode, for local development")
    sub.add_parser("clock", help="scheduler and outbox consumer only (safe to run several)")
    sub.add_parser("code", help="JSON lines {'text'} on stdin -> MI codes on stdout")
    sub.add_parser("grade", help="JSON lines {'kind','prompt','reply'} on stdin -> verdicts on stdout")

    catalogue = sub.add_parser("catalogue", help="check the drill and tip catalogue; stats")
    catalogue.add_argument("args", nargs=argparse.REMAINDER, help="check [--dir D] | stats [--json]")

    schedule = sub.add_parser("schedule", help="operator view of channel schedules: add, list, remove")
    schedule.add_argument("args", nargs=argparse.REMAINDER, help="add … | list [--json] | remove ID")

    report = sub.add_parser("report", help="a team's practice report (aggregates only): text, --json, --png",
                            add_help=False)  # `oars report --help` is answered by bot.cli_report's own parser
    report.add_argument("args", nargs=argparse.REMAINDER,
                        help="--platform P --workspace W [--channel C] [--weeks 4] [--png FILE] [--json]")
    return parser


def _leave(code: int) -> None:
    """Exit without the interpreter's teardown of every module (about a second for the whole app on a busy
    machine, #17: `oars chat` should be gone within 0.5 s of end of input). The store is already stopped;
    only output buffers and log handlers need flushing."""
    sys.stdout.flush()
    sys.stderr.flush()
    logging.shutdown()
    os._exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    from bot.native_threads import limit_native_threads

    limit_native_threads()  # before anything imports numpy
    parser = _parser()
    args, extra = parser.parse_known_args(argv)  # `report --platform …` starts with options REMAINDER won't take
    if extra and args.command != "report":
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    from pydantic import ValidationError

    from bot.config import Settings

    try:
        settings = Settings()
    except ValidationError as error:
        for problem in error.errors():
            field = ".".join(str(part) for part in problem["loc"]).upper()
            print(f"oars: bad setting {field}: {problem['msg']}", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=getattr(logging, settings.log_level.upper(), logging.INFO) if args.command in {"serve", "socket", "clock"}
        else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    if args.command == "chat":
        from adapters.console import run_console

        try:
            code = asyncio.run(run_console(settings, user=args.user, tz=args.tz, as_json=args.json))
        except KeyboardInterrupt:  # Ctrl-C before the console took over: leave quietly
            print(file=sys.stderr)
            code = 130
        if argv is None:  # the `oars chat` program itself: everything is saved and stopped, so leave now
            _leave(code)
        return code
    if args.command == "code":
        from bot.cli_coder import run_code

        return run_code(sys.stdin, sys.stdout)
    if args.command == "grade":
        from bot.cli_coder import run_grade

        return run_grade(sys.stdin, sys.stdout)
    if args.command == "catalogue":
        from bot.cli_catalogue import run_catalogue

        return run_catalogue(list(args.args), sys.stdout, sys.stderr)
    if args.command == "serve":
        processes = args.processes if args.processes is not None else settings.oars_web_processes
        port = args.port or settings.port
        if processes < 1:
            print("oars serve: --processes must be 1 or more", file=sys.stderr)
            return 2
        if processes > 1:
            from bot.web_processes import run_web_processes

            return asyncio.run(run_web_processes(settings, host=args.host, port=port, processes=processes))
        from bot.server import run_server

        return asyncio.run(run_server(settings, host=args.host, port=port))
    if args.command == "socket":
        from bot.server import run_socket_mode

        return asyncio.run(run_socket_mode(settings))
    if args.command == "clock":
        from bot.server import run_clock

        return asyncio.run(run_clock(settings))
    if args.command == "schedule":
        from bot.cli_schedule import run_schedule

        return asyncio.run(run_schedule(settings, list(args.args), sys.stdout, sys.stderr))
    if args.command == "report":
        from bot.cli_report import run_report

        return asyncio.run(run_report(settings, [*extra, *args.args], sys.stdout, sys.stderr))
    parser.print_help()
    return 0


if __name__ == "__main__":
    sys.exit(main())
