"""Fixture overrides that run a Redis-backed test module on the session's Redis Cluster instead.

A `*_on_cluster` module star-imports the tests of its single-node twin and these fixtures: `redis_socket`
becomes the cluster URL (tests/bot/sched_support.py accepts either) and `redis` a flushed `RedisCluster`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from redis.asyncio.cluster import RedisCluster

from tests.cluster_support import Cluster


@pytest.fixture
def redis_socket(redis_cluster: Cluster) -> str:
    return redis_cluster.url


@pytest.fixture
async def redis(redis_cluster: Cluster) -> AsyncIterator[RedisCluster]:
    redis_cluster.flush()
    client = RedisCluster(host="127.0.0.1", port=redis_cluster.ports[0], decode_responses=True)
    await client.initialize()
    yield client
    await client.aclose()
