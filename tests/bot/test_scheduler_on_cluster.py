"""tests/bot/test_scheduler.py again, on a real 3-master Redis Cluster (every key of a command in one slot)."""

from tests.bot.cluster_fixtures import redis, redis_socket  # noqa: F401  (fixture overrides)
from tests.bot.test_scheduler import *  # noqa: F403
