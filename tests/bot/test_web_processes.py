"""`oars serve --processes 2`: two web processes on one port and one embedded Redis, acting as one server."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import aiohttp
import psutil

from tests.adapters.slack.conftest import SECRET, TOKEN, event_body, signed_headers
from tests.adapters.slack.fake_slack import FakeSlack
from tests.bot.helpers import embedded_servers, serve_env, start_serve, stop_serve, taken_port
from tests.ports import free_port


def _web_children(parent: psutil.Process) -> list[psutil.Process]:
    return [child for child in parent.children() if "serve" in child.cmdline()]


def _listening_on(process: psutil.Process, port: int) -> bool:
    with contextlib.suppress(psutil.Error):
        return any(c.status == psutil.CONN_LISTEN and c.laddr.port == port for c in process.net_connections("tcp"))
    return False


async def _until(check: Callable[[], bool], within: float = 60.0) -> None:
    """Poll a process-table condition (nothing to await on: the processes are not ours to signal)."""
    async with asyncio.timeout(within):
        while True:
            if await asyncio.to_thread(check):
                return
            await asyncio.sleep(0.1)


async def test_two_web_processes_share_port_and_redis_count_a_retry_once_and_stop_together(tmp_path: Path) -> None:
    fake = FakeSlack()
    await fake.start()
    fake.add_user("U1")
    port = free_port()
    env = serve_env(tmp_path, SLACK_BOT_TOKEN=TOKEN, SLACK_SIGNING_SECRET=SECRET, SLACK_API_URL=fake.api_url)
    server = await start_serve(port, env, "--processes", "2")
    parent = psutil.Process(server.pid)
    base = f"http://127.0.0.1:{port}"
    try:
        await _until(lambda: len(_web_children(parent)) == 2
                     and all(_listening_on(child, port) for child in _web_children(parent)))
        assert len(embedded_servers(tmp_path)) == 1  # started once, by the supervisor, shared by both

        # Slack retries a slow delivery: each copy arrives on its own connection, so the kernel hands copies
        # to either process. The drill is posted once.
        body = event_body({"type": "message", "channel_type": "im", "channel": "DU1", "user": "U1",
                           "text": "drill", "ts": "1.000001"}, event_id="Ev-retried")
        for attempt in range(8):
            extra = {"X-Slack-Retry-Num": str(attempt), "X-Slack-Retry-Reason": "http_timeout"} if attempt else {}
            async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(force_close=True)) as http:
                async with http.post(f"{base}/slack/events", data=body.encode(),
                                     headers=signed_headers(body, "application/json", extra=extra)) as response:
                    assert response.status == 200
        await fake.wait_for("chat.postMessage")
        await asyncio.sleep(1.0)
        assert len([c for c in fake.calls_to("chat.postMessage") if c.args.get("channel") == "DU1"]) == 1

        # A web process that dies is started again; the other keeps answering meanwhile.
        [first, second] = _web_children(parent)
        first.kill()
        await asyncio.to_thread(first.wait, 10)
        async with aiohttp.ClientSession() as http, http.get(f"{base}/healthz") as response:
            assert response.status == 200 and json.loads(await response.text())["ok"] is True
        await _until(lambda: {c.pid for c in _web_children(parent)} - {first.pid, second.pid} != set()
                     and all(_listening_on(child, port) for child in _web_children(parent)))

        children = _web_children(parent)
        redis_servers = embedded_servers(tmp_path)
        server.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(server.wait(), 30) == 0
        _gone, alive = await asyncio.to_thread(psutil.wait_procs, [*children, *redis_servers], 10)
        assert not alive, f"left running: {alive}"
    finally:
        await stop_serve(server, tmp_path)
        await fake.stop()


def test_processes_below_one_is_one_clear_line_and_exit_2(tmp_path: Path) -> None:
    env = {**os.environ, "OARS_DATA_DIR": str(tmp_path)}
    out = subprocess.run([sys.executable, "-m", "bot.cli", "serve", "--processes", "0"], capture_output=True,
                         text=True, env=env, timeout=60)
    assert out.returncode == 2
    assert out.stderr.strip() == "oars serve: --processes must be 1 or more"


async def test_a_taken_port_stops_the_supervisor_with_the_childs_error(tmp_path: Path) -> None:
    """Restarting a child that cannot bind would spin for ever; one `oars serve` would have exited."""
    with taken_port() as port:
        server = await start_serve(port, serve_env(tmp_path), "--processes", "2")
        try:
            assert await asyncio.wait_for(server.wait(), 60) == 2  # the child's "cannot listen"
            assert not embedded_servers(tmp_path)
        finally:
            await stop_serve(server, tmp_path)


async def test_web_processes_stop_when_their_supervisor_is_killed(tmp_path: Path) -> None:
    """SIGKILL leaves no chance to stop the children; they notice the orphaning and stop by themselves."""
    port = free_port()
    server = await start_serve(port, serve_env(tmp_path), "--processes", "2")
    parent = psutil.Process(server.pid)
    try:
        await _until(lambda: len(_web_children(parent)) == 2
                     and all(_listening_on(child, port) for child in _web_children(parent)))
        children = _web_children(parent)
        server.kill()
        await server.wait()
        _gone, alive = await asyncio.to_thread(psutil.wait_procs, children, 20)
        assert not alive, f"orphaned web processes still running: {alive}"
    finally:
        await stop_serve(server, tmp_path)
