"""A master with a replica dies: the replica takes over, the engine keeps answering, no replicated answer is lost.

Redis replication is asynchronous: by default "acknowledged" means acknowledged and replicated (the first test
waits for the replicas' offsets before the kill). With OARS_REDIS_REPLICAS=1 every answer waits for its replica
(WAIT) before it is acknowledged, so the second test kills the master the moment the last answer is acknowledged.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from redis.exceptions import RedisClusterException, RedisError

from bot.app import OarsApp
from bot.store import MemberRef
from tests.bot.helpers import msg
from tests.bot.sched_support import FakePlatform, eventually, start_app
from tests.cluster_support import Cluster, running_cluster

MEMBERS = [f"UF{n}" for n in range(12)]


@pytest.fixture(scope="module")
def replicated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    with running_cluster(tmp_path_factory.mktemp("failover"), masters=3, replicas=1) as cluster:
        yield cluster


def replicas_caught_up(cluster: Cluster) -> bool:
    for port in cluster.masters():
        info = cluster.client(port).info("replication")
        offset = info["master_repl_offset"]
        for key, value in info.items():
            if key.startswith("slave") and isinstance(value, dict) and value.get("offset") != offset:
                return False
    return True


def master_of(cluster: Cluster, key: str) -> int:
    """The port of the master serving `key` (CLUSTER SLOTS: start, end, [host, port, id], replicas…)."""
    client = cluster.client(cluster.ports[0])
    slot = int(client.cluster("keyslot", key))
    for start, end, master, *replicas in client.cluster("slots"):
        if start <= slot <= end:
            assert replicas, "the victim must have a replica to fail over to"
            return int(master[1])
    raise AssertionError("slot not served")


@pytest.fixture
def replicated_once(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    with running_cluster(tmp_path_factory.mktemp("waiting"), masters=3, replicas=1) as cluster:
        yield cluster


def replicas_online(cluster: Cluster, key: str) -> bool:
    """Every master has a replica that finished its first sync (WAIT can only count an online one), and the
    cluster's slot map already lists the replica of `key`'s master."""
    try:
        master_of(cluster, key)
    except AssertionError:
        return False
    for port in cluster.masters():
        info = cluster.client(port).info("replication")
        if not any(k.startswith("slave") and isinstance(v, dict) and v.get("state") == "online"
                   for k, v in info.items()):
            return False
    return True


async def everyone_kept(oars: OarsApp, answers: int) -> bool:
    try:
        return all([len(await oars.store.history(MemberRef("console", "local", u))) == answers for u in MEMBERS])
    except (RedisError, RedisClusterException):  # while the replica is being promoted
        return False


async def test_with_wait_a_master_killed_right_after_the_acknowledgement_loses_nothing(
        replicated_once: Cluster, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    oars = await start_app("unused", tmp_path, FakePlatform(), redis_url=replicated_once.url,
                           oars_redis_replicas=1, oars_redis_replica_timeout_ms=5000)
    try:
        first = MemberRef("console", "local", MEMBERS[0])
        await eventually(lambda: replicas_online(replicated_once, oars.store.key(first, "history")), within=30)
        victim = master_of(replicated_once, oars.store.key(first, "history"))
        for user in MEMBERS:
            await oars.engine.handle(msg("drill reflection", user=user))
            [feedback] = await oars.engine.handle(msg("You're worn out by waiting for a fix.", user=user))
            assert feedback.feedback is not None  # acknowledged, so already on the replica
        assert "replicas confirmed" not in caplog.text  # WAIT reached the answer's own master and connection
        replicated_once.kill(victim)  # no waiting for replication
        await eventually(lambda: everyone_kept(oars, 1), within=30, every=0.5)
    finally:
        await oars.stop()


async def test_killing_a_master_loses_no_replicated_answer(replicated: Cluster, tmp_path: Path) -> None:
    oars = await start_app("unused", tmp_path, FakePlatform(), redis_url=replicated.url)
    try:
        for user in MEMBERS:
            await oars.engine.handle(msg("drill reflection", user=user))
            [feedback] = await oars.engine.handle(msg("You're worn out by waiting for a fix.", user=user))
            assert feedback.feedback is not None  # acknowledged
        await eventually(lambda: replicas_caught_up(replicated), within=10)
        first = MemberRef("console", "local", MEMBERS[0])
        victim = master_of(replicated, oars.store.key(first, "history"))
        replicated.kill(victim)
        started = time.monotonic()

        async def everyone_kept_their_answer() -> bool:
            try:
                return all([len(await oars.store.history(MemberRef("console", "local", u))) == 1 for u in MEMBERS])
            except (RedisError, RedisClusterException):  # while the replica is being promoted
                return False

        await eventually(everyone_kept_their_answer, within=30, every=0.5)
        [drill] = await oars.engine.handle(msg("drill reflection", user=MEMBERS[0]))
        assert drill.drill is not None
        [feedback] = await oars.engine.handle(msg("It sounds like it's been a long wait.", user=MEMBERS[0]))
        assert feedback.feedback is not None
        assert len(await oars.store.history(first)) == 2
        assert time.monotonic() - started < 30
    finally:
        await oars.stop()
