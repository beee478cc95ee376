"""Grading off the event loop: a bounded pool of workers that sheds load politely when full.

A graded answer can cost tens of milliseconds of encoder CPU (seconds for a long one on a busy machine).
Run on the event loop, that delays every other request, Slack's 3-second acks included (#12). Here each
answer is graded in a worker, threads by default (numpy releases the GIL in its matrix products, one copy
of the encoder is shared) or processes (`OARS_GRADER_MODE=process`: no GIL contention, one encoder copy
per worker). At most `workers + queue` answers are admitted at once; the next one gets `GraderBusy` at
once, which the engine turns into a friendly "send it again in a moment" with nothing recorded, instead
of a reply that arrives a minute late or an error.
"""

from __future__ import annotations

import asyncio
import concurrent.futures as cf
import logging
import multiprocessing
import threading
import time
from collections.abc import Callable, Sequence
from typing import Literal

from bot.native_threads import limit_native_threads
from bot.text import MAX_ANSWER_CHARS
from exercises.model import Verdict

log = logging.getLogger(__name__)
Mode = Literal["thread", "process"]
GradeFn = Callable[[str, str, str, tuple[str, ...]], Verdict]


class GraderBusy(RuntimeError):
    """Every worker is busy and the queue is full: this answer was not graded (nothing recorded)."""


def cap_reply(reply: str, limit: int = MAX_ANSWER_CHARS) -> str:
    """The grader never sees more than `limit` characters (cut at a word boundary when there is one).

    The engine already refuses longer answers with an explanation; this keeps the worst case bounded
    for every caller.
    """
    if len(reply) <= limit:
        return reply
    cut = reply[:limit]
    space = cut.rfind(" ")
    return cut[:space] if space > limit // 2 else cut


def grade_answer(kind: str, prompt: str, reply: str, answers: tuple[str, ...]) -> Verdict:
    from exercises.grader import grade

    return grade(kind, prompt, reply, answers)


def warm_up() -> None:
    """Load the grader, coder and encoder now, so the first member's answer does not pay for it."""
    from exercises import semantic
    from exercises.grader import grade

    if semantic.available():
        semantic.embed(["A first pass maps the weights in."])
    grade("reflection", "I keep putting it off.", "You keep putting it off.", ())


def _timed(grade_fn: GradeFn, *args: object) -> tuple[Verdict, float]:
    """Runs in the worker: the verdict and how long grading took (it drives the wait estimate)."""
    started = time.perf_counter()
    verdict = grade_fn(*args)  # type: ignore[arg-type]
    return verdict, time.perf_counter() - started


def _start_process_worker() -> None:
    """Process workers: one BLAS thread each, models loaded before the first job arrives."""
    limit_native_threads()
    warm_up()


class GradingPool:
    """`await pool.grade(kind, prompt, reply, model_answers)`; raises GraderBusy when full.

    An answer is admitted while fewer than `workers + queue` are admitted and, once every worker is busy,
    while its expected wait (answers ahead of it x the recent grading time / workers) stays under
    `max_wait` seconds. A fast grader thus queues a big burst, and a slow one sheds early rather than
    answer after a minute.
    """

    def __init__(self, workers: int = 2, queue: int = 512, mode: Mode = "thread",
                 max_chars: int = MAX_ANSWER_CHARS, grade_fn: GradeFn = grade_answer, max_wait: float = 10.0
                 ) -> None:
        """`grade_fn` must be a module-level function in process mode (it is pickled to the workers)."""
        self.grade_fn = grade_fn
        self.workers = max(1, workers)
        self.capacity = self.workers + max(0, queue)
        self.mode: Mode = mode
        self.max_chars = max_chars
        self.max_wait = max_wait
        self.seconds_per_answer = 0.05  # a moving average of grading time, updated by every answer
        self._measured = False
        self._executor: cf.Executor | None = None
        self._lock = threading.Lock()
        self._admitted = 0

    @property
    def admitted(self) -> int:
        """Answers being graded or waiting for a worker right now."""
        return self._admitted

    def _pool(self) -> cf.Executor:
        with self._lock:
            if self._executor is None:
                limit_native_threads()  # one BLAS thread per worker (process workers inherit the setting)
                if self.mode == "process":
                    self._executor = cf.ProcessPoolExecutor(
                        self.workers, mp_context=multiprocessing.get_context("spawn"),
                        initializer=_start_process_worker)
                else:
                    self._executor = cf.ThreadPoolExecutor(self.workers, thread_name_prefix="oars-grader")
            return self._executor

    def expected_wait(self) -> float:
        """Seconds the next answer would wait for a worker, from the recent grading time."""
        ahead = self._admitted - self.workers + 1
        return max(0, ahead) * self.seconds_per_answer / self.workers

    def _admit(self) -> None:
        with self._lock:
            if self._admitted >= self.capacity:
                raise GraderBusy(f"{self._admitted} answers already admitted (capacity {self.capacity})")
            if self.expected_wait() > self.max_wait:
                raise GraderBusy(f"expected wait {self.expected_wait():.1f}s over {self.max_wait:.1f}s")
            self._admitted += 1

    def _done(self, future: object = None) -> None:
        seconds = None
        if isinstance(future, cf.Future) and not future.cancelled() and future.exception() is None:
            seconds = future.result()[1]
        with self._lock:
            self._admitted -= 1
            if seconds is not None:
                weight = 0.2 if self._measured else 1.0  # the first measurement replaces the guess
                self.seconds_per_answer += weight * (seconds - self.seconds_per_answer)
                self._measured = True

    async def grade(self, kind: str, prompt: str, reply: str, model_answers: Sequence[str] = ()) -> Verdict:
        """Grade in a worker; the slot is held until the worker finishes, even if the caller gives up."""
        self._admit()
        args = (kind, prompt, cap_reply(reply, self.max_chars), tuple(model_answers))
        try:
            future = self._pool().submit(_timed, self.grade_fn, *args)
        except (cf.BrokenExecutor, RuntimeError):
            self._reset()  # a process worker died (or the pool was closed): start a fresh one
            try:
                future = self._pool().submit(_timed, self.grade_fn, *args)
            except BaseException:
                self._done()
                raise
        except BaseException:
            self._done()
            raise
        future.add_done_callback(self._done)
        verdict, _ = await asyncio.wrap_future(future)
        return verdict

    async def warm(self) -> None:
        """Load the models in a worker (thread mode) or start the worker processes, off the loop."""
        loop = asyncio.get_running_loop()
        pool = self._pool()
        if self.mode == "process":
            await asyncio.gather(*(loop.run_in_executor(pool, _noop) for _ in range(self.workers)))
        else:
            await loop.run_in_executor(pool, warm_up)

    def _reset(self) -> None:
        with self._lock:
            old, self._executor = self._executor, None
        if old is not None:
            old.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        """Stop the workers; queued answers are cancelled (their callers get CancelledError)."""
        self._reset()


def _noop() -> None:
    """A job that only makes sure a process worker exists (its initializer loads the models)."""


_shared: GradingPool | None = None


def shared_pool() -> GradingPool:
    """The process-wide default pool, for engines built without one (tests, tools)."""
    global _shared
    if _shared is None:
        _shared = GradingPool()
    return _shared
