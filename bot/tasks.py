"""Helpers for long-running loops that must survive Redis outages but never swallow a cancel.

Python 3.11's `asyncio.wait_for` (which redis-py uses around every socket write) loses a cancel that lands in
the same loop step as the write completing: the call returns normally and only `Task.cancelling()` still
remembers the request. So every long-running loop calls `raise_if_cancelling()` once per round as well as on
Redis errors; otherwise `task.cancel()` is silently ignored and whoever awaits the task waits forever.
"""

from __future__ import annotations

import asyncio


def raise_if_cancelling() -> None:
    """Re-raise a cancel that a library turned into a connection error.

    A cancel that lands inside a blocking Redis call can surface as a redis ConnectionError; a loop that
    retries on Redis errors would then keep running and whoever awaits its task would wait forever.
    """
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError
