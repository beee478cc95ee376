"""`oars serve`, `oars socket`, `oars clock`: wiring adapters, engine and scheduler into processes.

serve  = one aiohttp app: POST /slack/events (Slack), POST /api/messages (Teams), GET /healthz,
         plus the lease-guarded scheduler and the outbox consumer.
clock  = the scheduler and outbox consumer only, with the platform senders but no HTTP.
socket = Slack over Socket Mode (local development), plus the scheduler.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Awaitable

from aiohttp import web

from bot.app import OarsApp
from bot.config import Settings

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


async def build_web_app(settings: Settings) -> tuple[web.Application, OarsApp, list[object]]:
    """The aiohttp application with every route mounted; returns closables for shutdown."""
    from adapters.slack import SlackAdapter
    from adapters.teams import TeamsAdapter
    from bot.scheduler import Scheduler

    oars = OarsApp(settings)
    engine = await oars.start()
    web_app = web.Application(client_max_size=1024 * 1024)
    web_app[OARS_KEY] = oars
    web_app.router.add_get("/healthz", healthz)
    slack = SlackAdapter(engine, settings)
    slack.mount(web_app)
    teams = TeamsAdapter(engine, settings)
    teams.mount(web_app)
    oars.senders.register("slack", slack.sender())
    oars.senders.register("teams", teams.sender())
    scheduler = Scheduler(oars)
    return web_app, oars, [slack, teams, scheduler]


async def _wait_for_signal() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    await stop.wait()


async def run_server(settings: Settings, host: str, port: int) -> int:
    web_app, oars, parts = await build_web_app(settings)
    scheduler = parts[-1]
    runner = web.AppRunner(web_app, shutdown_timeout=SHUTDOWN_GRACE)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    await scheduler.start()  # type: ignore[attr-defined]
    log.info("oars serving on %s:%d", host, port)
    warming = asyncio.create_task(oars.grader.warm())  # models load in a worker; /healthz is already up
    try:
        await _wait_for_signal()
    finally:
        warming.cancel()
        try:
            await _bounded(scheduler.stop(), "scheduler")  # type: ignore[attr-defined]
            await _bounded(runner.cleanup(), "http server")
            for part in parts[:-1]:
                await _bounded(part.close(), "adapter")  # type: ignore[attr-defined]
        finally:
            await oars.stop()  # always: the embedded redis-server must not outlive us
    return 0


async def _bounded(step: Awaitable[None], what: str) -> None:
    """A shutdown step that may not hold the process (and its embedded Redis) past a supervisor's patience."""
    try:
        await asyncio.wait_for(step, SHUTDOWN_GRACE + 1)
    except Exception as error:
        log.warning("shutdown: %s did not stop cleanly (%s)", what, type(error).__name__)


async def run_clock(settings: Settings) -> int:
    from adapters.slack import SlackAdapter
    from adapters.teams import TeamsAdapter
    from bot.scheduler import Scheduler

    oars = OarsApp(settings)
    engine = await oars.start()
    slack, teams = SlackAdapter(engine, settings), TeamsAdapter(engine, settings)
    oars.senders.register("slack", slack.sender())
    oars.senders.register("teams", teams.sender())
    scheduler = Scheduler(oars)
    await scheduler.start()
    log.info("oars clock running")
    try:
        await _wait_for_signal()
    finally:
        await scheduler.stop()
        await slack.close()
        await teams.close()
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
