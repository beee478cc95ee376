"""`oars serve --processes N`: N web processes on one port, so a machine's cores all answer (#17).

One `oars serve` process is bound to about one core: its event loop and the grader's Python share the GIL.
This supervisor starts N ordinary `oars serve` children that each bind the same port with SO_REUSEPORT (the
kernel spreads new connections over them) and share one Redis. Nothing else changes: every answer's claim,
retry marker and outbox entry are already in Redis, and the scheduler is lease-guarded, so N processes
behave as one (the same guarantees `bench/bench_scale.py` checks across machines).

Without REDIS_URL the supervisor starts the embedded Redis itself and hands its socket to the children, so
they never race to start it. A child that dies is started again (after a pause that grows while it keeps
dying); SIGTERM or SIGINT stops every child (each gets the usual grace to finish its requests), then Redis.
A child whose supervisor is gone (killed with SIGKILL) stops by itself within a second or two.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
import time

from bot.config import Settings
from bot.redis_conn import RedisConnection

log = logging.getLogger(__name__)
SUPERVISOR_ENV = "OARS_SUPERVISOR_PID"  # set for the children only: share the port, stop if orphaned
CHILD_STOP_WITHIN = 10.0  # seconds a child gets after SIGTERM before it is killed
RESTART_PAUSE_MAX = 30.0
FIRST_START_WITHIN = 20.0  # a child that fails this soon after its first start is a set-up error


def child_command(host: str, port: int) -> list[str]:
    """The command line of one child: a plain single-process `oars serve`."""
    return [sys.executable, "-m", "bot.cli", "serve", "--processes", "1", "--host", host, "--port", str(port)]


class WebProcesses:
    """Starts, watches and stops the children; owns the embedded Redis when there is no REDIS_URL."""

    def __init__(self, settings: Settings, host: str, port: int, processes: int) -> None:
        self.settings = settings
        self.host = host
        self.port = port
        self.processes = processes
        self.children: list[asyncio.subprocess.Process | None] = [None] * processes
        self._redis: RedisConnection | None = None
        self._stopping = asyncio.Event()
        self.exit_code = 0

    async def _redis_url(self) -> str:
        if self.settings.redis_url:
            return self.settings.redis_url
        self._redis = RedisConnection(None, self.settings.oars_data_dir)
        client = await self._redis.start()
        socket = client.connection_pool.connection_kwargs["path"]
        return f"unix://{socket}"

    async def _spawn(self, env: dict[str, str]) -> asyncio.subprocess.Process:
        return await asyncio.create_subprocess_exec(*child_command(self.host, self.port), env=env)

    async def _watch(self, slot: int, env: dict[str, str]) -> None:
        """Keep one child running until the supervisor stops.

        A child whose very first start fails quickly (the port is taken, a setting the child rejects) stops
        the whole server with its exit code, as a single `oars serve` would: restarting it could not help."""
        pause = 1.0
        first = True
        while not self._stopping.is_set():
            started = time.monotonic()
            child = self.children[slot] = await self._spawn(env)
            code = await child.wait()
            if self._stopping.is_set():
                return
            if first and code > 0 and time.monotonic() - started < FIRST_START_WITHIN:  # not killed: failed
                log.error("web process %d exited with %s while starting; stopping", slot + 1, code)
                self.exit_code = code
                self._stopping.set()
                return
            first = False
            pause = 1.0 if time.monotonic() - started > 60 else min(RESTART_PAUSE_MAX, pause * 2)
            log.warning("web process %d (pid %d) exited with %s; starting it again in %.0f s",
                        slot + 1, child.pid, code, pause)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), pause)

    async def run(self) -> int:
        url = await self._redis_url()
        env = {**os.environ, "REDIS_URL": url, SUPERVISOR_ENV: str(os.getpid())}
        watchers = [asyncio.create_task(self._watch(slot, env)) for slot in range(self.processes)]
        log.info("oars serving on %s:%d with %d web processes", self.host, self.port, self.processes)
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(sig, self._stopping.set)
        try:
            await self._stopping.wait()
        finally:
            self._stopping.set()
            await self._stop_children()
            for watcher in watchers:
                watcher.cancel()
            await asyncio.gather(*watchers, return_exceptions=True)
            if self._redis is not None:
                await self._redis.stop()
        return self.exit_code

    async def _stop_children(self) -> None:
        running = [child for child in self.children if child is not None and child.returncode is None]
        for child in running:
            with contextlib.suppress(ProcessLookupError):
                child.terminate()
        for child in running:
            try:
                await asyncio.wait_for(child.wait(), CHILD_STOP_WITHIN)
            except TimeoutError:
                log.warning("web process pid %d did not stop within %.0f s; killing it", child.pid,
                            CHILD_STOP_WITHIN)
                with contextlib.suppress(ProcessLookupError):
                    child.kill()
                await child.wait()


async def run_web_processes(settings: Settings, host: str, port: int, processes: int) -> int:
    return await WebProcesses(settings, host, port, processes).run()
