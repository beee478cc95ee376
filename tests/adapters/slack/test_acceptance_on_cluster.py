"""The Slack acceptance flow again: the real `oars serve` process on a 3-master Redis Cluster (redis+cluster://)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.adapters.slack.test_acceptance import *  # noqa: F403
from tests.cluster_support import Cluster


@pytest.fixture
def serve_redis_url(redis_cluster: Cluster) -> str:
    redis_cluster.flush()
    return redis_cluster.url


@pytest.fixture(autouse=True)
def state_lands_in_the_cluster(redis_cluster: Cluster) -> Iterator[None]:
    """After the flow, the member's keys are on the cluster's masters (not in an embedded Redis)."""
    yield
    found = [k for port in redis_cluster.masters() for k in redis_cluster.client(port).scan_iter("oars:m:*")]
    assert found, "oars serve did not write to the cluster"
