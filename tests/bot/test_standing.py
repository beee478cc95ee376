"""Streak and progress messages say what happened: a lapse, a freeze used, drills rather than attempts."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import Clock
from bot.engine import Engine
from tests.bot.helpers import msg


async def _practise(engine: Engine, answer: str = "You're tired of chasing this.") -> list[str]:
    await engine.handle(msg("drill reflection"))
    return [r.text for r in await engine.handle(msg(answer))]


async def test_a_lapsed_streak_says_it_ended_and_the_longest(engine: Engine, clock: Clock) -> None:
    await _practise(engine)
    clock.advance(timedelta(days=1))
    await _practise(engine)
    clock.advance(timedelta(days=3))
    [reply] = await engine.handle(msg("streak"))
    assert "No streak" not in reply.text
    assert "2-day streak ended" in reply.text and "Longest so far: 2 days" in reply.text
    await engine.handle(msg("drill reflection"))
    [feedback] = await engine.handle(msg("You're tired of waiting."))
    assert "had lapsed" in feedback.text and feedback.streak is not None and feedback.streak.current == 1


async def test_streak_line_once_a_day_and_json_carries_streak(engine: Engine) -> None:
    await engine.handle(msg("drill open_question"))
    [first] = await engine.handle(msg("Do you like it?"))  # a revise: the drill stays open
    assert first.feedback is not None and first.feedback.verdict == "revise"
    assert "Streak:" in first.text
    [second] = await engine.handle(msg("Is it good?"))
    assert "Streak:" not in second.text
    assert second.as_json()["streak"] == {"current": 1, "longest": 1, "freezes": 0}


async def test_a_freeze_used_is_announced(engine: Engine, clock: Clock) -> None:
    for _ in range(7):
        await _practise(engine)
        clock.advance(timedelta(days=1))
    [held] = await engine.handle(msg("streak"))
    assert held.streak is not None and held.streak.freezes == 1
    clock.advance(timedelta(days=1))  # one day missed
    [covering] = await engine.handle(msg("streak"))
    assert "a freeze is covering it" in covering.text
    texts = await _practise(engine)
    assert any("A freeze covered the day you missed" in t for t in texts)


async def test_progress_counts_drills_not_attempts_and_has_a_legend(engine: Engine) -> None:
    await engine.handle(msg("drill open_question"))
    await engine.handle(msg("Do you like it?"))
    await engine.handle(msg("Is it good?"))
    [progress] = await engine.handle(msg("progress"))
    assert progress.progress is not None
    assert sum(n for _, _, n in progress.progress.skills) == 1
    assert "1 drill" in progress.text and "█ = 20%" in progress.text
