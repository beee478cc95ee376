"""tests/bot/test_report_commands.py again, on a real 3-master Redis Cluster (report, opt-out, digest once)."""

from tests.bot.cluster_fixtures import redis, redis_socket  # noqa: F401  (fixture overrides)
from tests.bot.test_report_commands import *  # noqa: F403
