"""`oars serve` wiring: health reflects the store, and the process stays up while Redis is away."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import aiohttp
import psutil
from aiohttp.test_utils import TestClient, TestServer

from bot.config import Settings
from bot.server import build_web_app
from tests.bot.helpers import embedded_servers, serve_env, start_serve, taken_port
from tests.ports import free_port
from tests.redis_process import RedisProcess


async def test_healthz_follows_redis_and_recovers(tmp_path: Path) -> None:
    redis = RedisProcess(tmp_path)
    redis.start()
    settings = Settings(redis_url=f"redis://127.0.0.1:{redis.port}/0", oars_data_dir=tmp_path,
                        slack_bot_token=None, slack_signing_secret=None, microsoft_app_id="", oars_teams_dev=False)
    web_app, oars, parts = await build_web_app(settings)
    client = TestClient(TestServer(web_app))
    await client.start_server()
    try:
        assert (await client.get("/healthz")).status == 200
        redis.kill()
        down = await client.get("/healthz")
        assert down.status == 503 and (await down.json())["redis"] == "unreachable"
        redis.start()
        assert (await client.get("/healthz")).status == 200
        assert (await client.post("/slack/events", data="x")).status == 404  # not configured: not mounted
    finally:
        await client.close()
        for part in parts[:-1]:
            await part.close()  # type: ignore[attr-defined]
        await oars.stop()
        redis.kill()





async def test_sigterm_under_traffic_takes_the_embedded_redis_down_too(tmp_path: Path) -> None:
    """#12: the embedded redis-server must not outlive `oars serve` when it is stopped mid-traffic."""
    port = free_port()
    server = await start_serve(port, serve_env(tmp_path))
    base = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as http:
            for _ in range(300):
                with contextlib.suppress(aiohttp.ClientError):
                    async with http.get(f"{base}/healthz") as response:
                        if response.status == 200:
                            break
                await asyncio.sleep(0.1)
            [redis_server] = embedded_servers(tmp_path)

            async def traffic() -> None:  # every /healthz holds a Redis connection for a moment
                for _ in range(100_000):
                    with contextlib.suppress(aiohttp.ClientError, asyncio.TimeoutError):
                        async with http.get(f"{base}/healthz", timeout=aiohttp.ClientTimeout(total=5)) as response:
                            await response.read()

            load = [asyncio.create_task(traffic()) for _ in range(40)]
            await asyncio.sleep(1.0)
            server.send_signal(signal.SIGTERM)
            await asyncio.to_thread(psutil.wait_procs, [redis_server], 20)
            assert not redis_server.is_running()
            for task in load:
                task.cancel()
            await asyncio.gather(*load, return_exceptions=True)
        assert await asyncio.wait_for(server.wait(), 20) == 0
    finally:
        if server.returncode is None:
            server.kill()
            await server.wait()
        for leftover in embedded_servers(tmp_path):
            leftover.kill()


def test_socket_without_tokens_is_one_clear_line_and_exit_2(tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    env["OARS_DATA_DIR"] = str(tmp_path)
    out = subprocess.run([sys.executable, "-m", "bot.cli", "socket"], capture_output=True, text=True, env=env,
                         timeout=60)
    assert out.returncode == 2
    assert "SLACK_BOT_TOKEN" in out.stderr and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_serve_imports_only_the_configured_platforms(tmp_path: Path) -> None:
    """botbuilder is ~0.4 s of start-up: a Slack-only installation never imports it (#17)."""
    import subprocess
    import sys

    redis = RedisProcess(tmp_path)
    redis.start()
    code = (
        "import asyncio, sys\n"
        "from bot.config import Settings\n"
        "from bot.server import build_web_app\n"
        "async def main():\n"
        f"    s = Settings(redis_url='redis://127.0.0.1:{redis.port}/0', oars_data_dir={str(tmp_path)!r},\n"
        "                 slack_bot_token='xoxb-x', slack_signing_secret='s', microsoft_app_id='',\n"
        "                 oars_teams_dev=False)\n"
        "    web_app, oars, parts = await build_web_app(s)\n"
        "    routes = sorted({r.resource.canonical for r in web_app.router.routes() if r.resource})\n"
        "    for part in parts[:-1]:\n"
        "        await part.close()\n"
        "    await oars.stop()\n"
        "    print(routes, 'botbuilder' in sys.modules, 'slack_bolt' in sys.modules)\n"
        "asyncio.run(main())\n"
    )
    try:
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    finally:
        redis.kill()
    assert out.stdout.strip() == "['/healthz', '/slack/events'] False True"


async def test_a_taken_port_is_one_clear_line_exit_2_and_no_embedded_redis_left(tmp_path: Path) -> None:
    with taken_port() as port:
        server = await start_serve(port, serve_env(tmp_path, LOG_LEVEL="WARNING"), stderr=asyncio.subprocess.PIPE)
        _, err = await asyncio.wait_for(server.communicate(), 60)
    assert server.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in err.decode()
    assert "Traceback" not in err.decode()
    assert not embedded_servers(tmp_path)
