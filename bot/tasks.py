"""Helpers for long-running loops that must survive Redis outages but never swallow a cancel."""

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
