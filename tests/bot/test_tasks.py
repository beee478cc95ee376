"""A cancel that a library swallows (3.11's `asyncio.wait_for` does, when the awaited write finishes in the same
loop step) must still stop our long-running loops: `raise_if_cancelling` is checked every round."""

from __future__ import annotations

import asyncio

from bot.tasks import raise_if_cancelling


async def _swallowing_call() -> None:
    """Plays the library: the cancel lands while it waits, and it returns normally anyway."""
    try:
        await asyncio.sleep(0.005)
    except asyncio.CancelledError:
        return


async def _loop(checks: bool, rounds: int = 40) -> str:
    for _ in range(rounds):
        if checks:
            raise_if_cancelling()
        await _swallowing_call()
    return "ran every round"


async def test_a_loop_that_checks_stops_although_the_cancel_was_swallowed() -> None:
    task = asyncio.create_task(_loop(checks=True))
    await asyncio.sleep(0.02)
    task.cancel()
    done, _ = await asyncio.wait({task}, timeout=2)
    assert done and task.cancelled()


async def test_without_the_check_the_same_loop_ignores_the_cancel() -> None:
    """Why the check exists: the plain loop runs to its end after `cancel()`, as an endless one would forever."""
    task = asyncio.create_task(_loop(checks=False))
    await asyncio.sleep(0.02)
    task.cancel()
    assert await task == "ran every round"
