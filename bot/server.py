"""`oars serve`, `oars socket`, `oars clock`: wiring adapters, engine and scheduler into processes.

serve  = one aiohttp app: POST /slack/events (Slack), POST /api/messages (Teams), GET /healthz,
         plus the lease-guarded scheduler and the outbox consumer.
clock  = the scheduler and outbox consumer only, with the platform senders but no HTTP.
socket = Slack over Socket Mode (local development), plus the scheduler.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
import os
import signal
import sys
import time
from collections.abc import Awaitable
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler

from bot.admission import arrived
from bot.app import OarsApp
from bot.config import Settings
from bot.web_processes import SUPERVISOR_ENV

log = logging.getLogger(__name__)
SHUTDOWN_GRACE = 3.0  # seconds in-flight requests get after SIGTERM (supervisors usually allow ~10)
OARS_KEY = web.AppKey("oars", OarsApp)


async def healthz(request: web.Request) -> web.Response:
    """Liveness plus a Redis check: 200 when the store answers, 503 (still up) when it does not."""
    app = request.app[OARS_KEY]
    try:
        await app.store.ping()
    except Exception:
        return web.json_response({"ok": False, "redis": "unreachable"}, status=503)
    return web.json_response({"ok": True, "redis": "ok"})


def _slack_configured(settings: Settings) -> bool:
    return bool(settings.slack_bot_token or (settings.slack_client_id and settings.slack_client_secret))


def _teams_configured(settings: Settings) -> bool:
    return bool(settings.microsoft_app_id or settings.oars_teams_dev)


def _import_platforms(settings: Settings) -> None:
    """Import the configured adapters ahead of use (in a thread, while Redis starts)."""
    if _slack_configured(settings):
        importlib.import_module("adapters.slack")
    if _teams_configured(settings):
        importlib.import_module("adapters.teams")


def platform_adapters(oars: OarsApp, settings: Settings) -> list[Any]:
    """The adapters this configuration needs, each registered as its platform's sender.

    Imported only when configured: botbuilder alone costs ~0.4 s of start-up and ~30 MiB (#17), which a
    Slack-only (or Teams-only) installation never uses. An unconfigured platform has no sender; an outbox
    entry for it fails (and is dead-lettered) exactly as it did when its sender refused to send.
    """
    parts: list[Any] = []
    if _slack_configured(settings):
        from adapters.slack import SlackAdapter

        slack = SlackAdapter(oars.engine, settings)
        oars.senders.register("slack", slack.sender())
        parts.append(slack)
    else:
        log.info("Slack not mounted: SLACK_BOT_TOKEN (or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET) not set")
    if _teams_configured(settings):
        from adapters.teams import TeamsAdapter

        teams = TeamsAdapter(oars.engine, settings)
        oars.senders.register("teams", teams.sender())
        parts.append(teams)
    else:
        log.info("Teams not mounted: MICROSOFT_APP_ID is unset and OARS_TEAMS_DEV is not 1")
    return parts


@web.middleware
async def _stamp_arrival(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Note when the request arrived: work it starts (Bolt's listeners run in tasks created here, which inherit
    the stamp) is turned away politely once it has waited too long (bot.admission)."""
    arrived.set(time.monotonic())
    return await handler(request)


async def build_web_app(settings: Settings) -> tuple[web.Application, OarsApp, list[object]]:
    """The aiohttp application with every configured route mounted; returns closables for shutdown
    (the scheduler last)."""
    from bot.scheduler import Scheduler

    oars = OarsApp(settings)
    await oars.start(preload=lambda: _import_platforms(settings))
    web_app = web.Application(client_max_size=1024 * 1024, middlewares=[_stamp_arrival])
    web_app[OARS_KEY] = oars
    web_app.router.add_get("/healthz", healthz)
    parts = platform_adapters(oars, settings)
    for part in parts:
        part.mount(web_app)
    return web_app, oars, [*parts, Scheduler(oars)]


def _supervisor() -> int | None:
    """The pid of the `oars serve --processes N` supervisor that started this process, if one did."""
    value = os.environ.get(SUPERVISOR_ENV, "")
    return int(value) if value.isdigit() else None


async def _wait_for_signal(supervisor: int | None = None) -> None:
    """Until SIGINT or SIGTERM, or (for a supervised web process) until the supervisor is gone."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)

    async def orphaned() -> None:  # polled: no signal tells a process its parent died (short of prctl)
        while True:
            if os.getppid() != supervisor:
                break
            await asyncio.sleep(1.0)
        log.warning("the supervising process %s is gone; stopping", supervisor)
        stop.set()

    watch = asyncio.create_task(orphaned()) if supervisor else None
    try:
        await stop.wait()
    finally:
        if watch is not None:
            watch.cancel()


async def run_server(settings: Settings, host: str, port: int) -> int:
    web_app, oars, parts = await build_web_app(settings)
    scheduler = parts[-1]
    runner = web.AppRunner(web_app, shutdown_timeout=SHUTDOWN_GRACE)
    await runner.setup()
    supervisor = _supervisor()
    try:
        # Children of `oars serve --processes N` share the port; the kernel spreads connections over them.
        await web.TCPSite(runner, host, port, reuse_port=True if supervisor else None).start()
    except OSError as error:  # the port is taken or not ours: say so, and stop what started (embedded Redis)
        log.error("oars serve: cannot listen on %s:%d (%s)", host, port, error.strerror or error)
        await _close(oars, runner, parts[:-1])
        return 2
    await scheduler.start()  # type: ignore[attr-defined]
    log.info("oars serving on %s:%d", host, port)
    warming = asyncio.create_task(oars.grader.warm())  # models load in a worker; /healthz is already up
    try:
        await _wait_for_signal(supervisor)
    finally:
        warming.cancel()
        await _close(oars, runner, parts[:-1], scheduler)
    return 0


async def _close(oars: OarsApp, runner: web.AppRunner, adapters: list[Any], scheduler: Any = None) -> None:
    """Stop what run_server started, each step bounded; the embedded redis-server last, and always."""
    try:
        if scheduler is not None:
            await _bounded(scheduler.stop(), "scheduler")
        await _bounded(runner.cleanup(), "http server")
        for part in adapters:
            await _bounded(part.close(), "adapter")
    finally:
        await oars.stop()


async def _bounded(step: Awaitable[None], what: str) -> None:
    """A shutdown step that may not hold the process (and its embedded Redis) past a supervisor's patience."""
    try:
        await asyncio.wait_for(step, SHUTDOWN_GRACE + 1)
    except Exception as error:
        log.warning("shutdown: %s did not stop cleanly (%s)", what, type(error).__name__)


async def run_clock(settings: Settings) -> int:
    from bot.scheduler import Scheduler

    oars = OarsApp(settings)
    await oars.start(preload=lambda: _import_platforms(settings))
    parts = platform_adapters(oars, settings)
    scheduler = Scheduler(oars)
    await scheduler.start()
    log.info("oars clock running")
    try:
        await _wait_for_signal()
    finally:
        await scheduler.stop()
        for part in parts:
            await part.close()
        await oars.stop()
    return 0


async def run_socket_mode(settings: Settings) -> int:
    missing = [name for name, value in (("SLACK_BOT_TOKEN", settings.slack_bot_token),
                                        ("SLACK_APP_TOKEN", settings.slack_app_token)) if not value]
    if missing:
        print(f"oars socket: set {' and '.join(missing)} (a bot token xoxb-… and an app-level token xapp-… with "
              "connections:write); see README, Slack.", file=sys.stderr)
        return 2
    from adapters.slack import SlackAdapter
    from bot.scheduler import Scheduler

    oars = OarsApp(settings)
    engine = await oars.start()
    slack = SlackAdapter(engine, settings)
    oars.senders.register("slack", slack.sender())
    scheduler = Scheduler(oars)
    await scheduler.start()
    try:
        await slack.run_socket_mode()
    finally:
        await scheduler.stop()
        await slack.close()
        await oars.stop()
    return 0
