"""tests/bot/test_team_data.py and test_cli_report.py again, on a real 3-master Redis Cluster: the report's SCAN
over member histories and its pipelines span every node."""

from tests.bot.cluster_fixtures import redis, redis_socket  # noqa: F401  (fixture overrides)
from tests.bot.test_cli_report import *  # noqa: F403
from tests.bot.test_team_data import *  # noqa: F403
