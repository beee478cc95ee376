"""The grading pool: answers graded off the event loop, bounded, and shed politely when full."""

from __future__ import annotations

import asyncio
import random
import threading
import time

import pytest

from bot import replies
from bot.clock import Clock
from bot.engine import Engine
from bot.grading_pool import GraderBusy, GradingPool, cap_reply, grade_answer
from bot.store import MemberRef, Store
from exercises.model import Verdict
from tests.bot.helpers import msg

ANA = MemberRef("console", "local", "U1")
_release = threading.Event()


def _held_grade(kind: str, prompt: str, reply: str, answers: tuple[str, ...]) -> Verdict:
    """A grader that waits until the test lets it go: the worker stays busy as long as we like."""
    _release.wait(10)
    return grade_answer(kind, prompt, reply, answers)


def _slow_grade(kind: str, prompt: str, reply: str, answers: tuple[str, ...]) -> Verdict:
    time.sleep(0.3)  # stands in for an encoder pass that holds the CPU
    return Verdict("pass", 3, ("ok",), "model", ())


async def test_grading_runs_off_the_event_loop() -> None:
    pool = GradingPool(workers=1, queue=4, grade_fn=_slow_grade)
    try:
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        task = asyncio.create_task(ticker())
        verdict = await pool.grade("reflection", "I'm tired.", "You're tired.", ())
        task.cancel()
        assert verdict.verdict == "pass"
        assert ticks >= 10  # the loop kept running while the worker graded for 0.3 s
    finally:
        pool.close()


async def test_a_full_pool_sheds_at_once_and_recovers() -> None:
    _release.clear()
    pool = GradingPool(workers=1, queue=1, grade_fn=_held_grade)
    try:
        first = asyncio.create_task(pool.grade("reflection", "I'm tired.", "You're tired.", ()))
        second = asyncio.create_task(pool.grade("reflection", "I'm tired.", "You're worn out.", ()))
        await asyncio.sleep(0.05)
        assert pool.admitted == 2
        started = time.monotonic()
        with pytest.raises(GraderBusy):
            await pool.grade("reflection", "I'm tired.", "You sound tired.", ())
        assert time.monotonic() - started < 0.5  # shed immediately, not after a wait
        _release.set()
        assert (await first).feedback and (await second).feedback
        assert pool.admitted == 0
        assert (await pool.grade("reflection", "I'm tired.", "You're exhausted.", ())).feedback
    finally:
        _release.set()
        pool.close()


def test_the_graders_input_is_capped_at_a_word_boundary() -> None:
    assert cap_reply("short answer", 100) == "short answer"
    capped = cap_reply("word " * 1000, 2000)
    assert len(capped) <= 2000 and capped.endswith("word")
    assert len(cap_reply("x" * 5000, 2000)) == 2000


async def test_engine_asks_to_resend_when_the_grader_is_full(store: Store, clock: Clock) -> None:
    _release.clear()
    pool = GradingPool(workers=1, queue=0, grade_fn=_held_grade)
    engine = Engine(store, clock, rng=random.Random(3), default_tz="Europe/Berlin", grader=pool)
    other = Engine(store, clock, rng=random.Random(4), default_tz="Europe/Berlin", grader=pool)
    try:
        await engine.handle(msg("drill reflection"))
        await other.handle(msg("drill reflection", user="U2"))
        held = asyncio.create_task(other.handle(msg("It sounds like you're worn out.", user="U2")))
        await asyncio.sleep(0.05)
        [busy] = await engine.handle(msg("You feel stuck with all of it."))
        assert busy.text == replies.GRADER_BUSY
        assert busy.feedback is None
        assert await store.open_drill(ANA) is not None  # nothing lost: the drill waits for the resend
        assert await store.history(ANA) == []
        _release.set()
        [graded_other] = await held
        assert graded_other.feedback is not None
        [graded] = await engine.handle(msg("You feel stuck with all of it."))
        assert graded.feedback is not None
        assert len(await store.history(ANA)) == 1
    finally:
        _release.set()
        pool.close()


async def test_process_workers_grade_like_threads() -> None:
    pool = GradingPool(workers=1, queue=2, mode="process")
    try:
        reply = "It sounds like the waiting has worn you down."
        in_process = await pool.grade("reflection", "I've waited weeks and nobody calls back.", reply, ())
        assert in_process == grade_answer("reflection", "I've waited weeks and nobody calls back.", reply, ())
    finally:
        pool.close()


async def test_sheds_when_the_expected_wait_is_too_long() -> None:
    """After learning that an answer takes ~0.3 s, a pool allowed to keep people waiting 0.5 s admits a few
    answers, then says busy, although its queue has room."""
    pool = GradingPool(workers=1, queue=100, grade_fn=_slow_grade, max_wait=0.5)
    try:
        await pool.grade("reflection", "I'm tired.", "You're tired.", ())
        assert pool.seconds_per_answer > 0.1
        admitted = [asyncio.create_task(pool.grade("reflection", "I'm tired.", f"You're tired {n}.", ()))
                    for n in range(2)]  # one graded at once, one waiting ~0.3 s
        await asyncio.sleep(0)
        assert pool.expected_wait() > 0.5
        with pytest.raises(GraderBusy):  # it would wait ~0.6 s
            await pool.grade("reflection", "I'm tired.", "One too many.", ())
        assert all(v.verdict == "pass" for v in await asyncio.gather(*admitted))
    finally:
        pool.close()
