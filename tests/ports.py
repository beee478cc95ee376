"""TCP ports for the servers tests start in child processes (redis-server, `oars serve`).

A port from `bind(0)` comes out of the kernel's ephemeral range, and between our probe closing it and the
child binding it any outgoing connection on the machine may be handed that very port: the child then fails
to start, or a readiness check talks to someone else. Worse, while a server on such a port is down (an outage
test), a client reconnecting to it can connect to itself (TCP simultaneous open: its own source port is the
port it dials), which a port below the ephemeral range can never be. So ports are picked below the ephemeral range (with
room for a Redis Cluster bus port, +10000, below it too), at random so that several test runs sharing the
machine rarely pick the same one; whoever starts a server still checks that it is really theirs.
"""

from __future__ import annotations

import random
import socket
from pathlib import Path

BUS_OFFSET = 10_000  # a cluster node also listens on port + 10000
_LOWEST = 10_000


def _ephemeral_range() -> tuple[int, int]:
    try:
        low, high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
        return int(low), int(high)
    except (OSError, ValueError):
        return 32768, 60999  # Linux's default


def _candidates() -> range:
    low, _ = _ephemeral_range()
    top = low - BUS_OFFSET  # port and its bus port both below the ephemeral range
    return range(_LOWEST, top) if top - _LOWEST >= 1000 else range(20000, 30000)


def port_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_ports(n: int, with_bus: bool = False, avoid: set[int] | frozenset[int] = frozenset()) -> list[int]:
    """`n` distinct free ports outside the ephemeral range (`with_bus`: port + 10000 free too)."""
    candidates = _candidates()
    ports: list[int] = []
    while len(ports) < n:
        port = random.choice(candidates)
        if port in ports or port in avoid or not port_free(port):
            continue
        if with_bus and not port_free(port + BUS_OFFSET):
            continue
        ports.append(port)
    return ports


def free_port() -> int:
    return free_ports(1)[0]
