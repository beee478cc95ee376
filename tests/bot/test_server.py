"""`oars serve` wiring: health reflects the store, and the process stays up while Redis is away."""

from __future__ import annotations

from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer

from bot.config import Settings
from bot.server import build_web_app
from tests.bot.test_redis_outage import RedisProcess


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
