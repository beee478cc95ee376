"""The Slack acceptance flow again, with OARS on a real 3-master Redis Cluster (REDIS_URL=redis+cluster://…)."""

from __future__ import annotations

import pytest

from tests.adapters.slack.test_acceptance import *  # noqa: F403
from tests.cluster_support import Cluster


@pytest.fixture
def redis_url(redis_cluster: Cluster) -> str:
    redis_cluster.flush()
    return redis_cluster.url
