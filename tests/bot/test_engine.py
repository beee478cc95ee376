"""Engine flows against real Redis: drill, answer, feedback, streak, idempotency, bad input."""

from __future__ import annotations

import itertools
from datetime import timedelta

from bot.clock import Clock
from bot.engine import Engine
from bot.store import MemberRef, Store
from tests.bot.helpers import msg

ANA = MemberRef("console", "local", "U1")


async def test_drill_then_answer_gives_feedback_and_streak(engine: Engine) -> None:
    [drill] = await engine.handle(msg("drill open_question"))
    assert drill.drill is not None and drill.drill.kind == "open_question"
    [feedback] = await engine.handle(msg("What matters most to you about how this is going?"))
    assert feedback.feedback is not None
    assert feedback.feedback.verdict in {"pass", "revise"}
    assert feedback.feedback.model_answer
    [streak] = await engine.handle(msg("streak"))
    assert streak.streak is not None and streak.streak.current == 1


async def test_redelivered_message_is_answered_and_counted_once(engine: Engine, store: Store) -> None:
    await engine.handle(msg("drill reflection"))
    answer = msg("You're worn out by waiting for a fix.", message_id="same-id")
    first = await engine.handle(answer)
    again = await engine.handle(answer)
    assert first and first[0].feedback is not None
    assert again == []
    assert len(await store.history(ANA)) == 1


async def test_streak_counts_local_days(engine: Engine, clock: Clock) -> None:
    for _day in range(3):
        await engine.handle(msg("drill reflection"))
        await engine.handle(msg("It's been a long week of waiting for you."))
        clock.advance(timedelta(days=1))
    [streak] = await engine.handle(msg("streak"))
    assert streak.streak is not None and streak.streak.current == 3  # yesterday counts as alive
    clock.advance(timedelta(days=2))
    [broken] = await engine.handle(msg("streak"))
    assert broken.streak is not None and broken.streak.current == 0 and broken.streak.longest == 3


async def test_one_click_drill_by_button_and_by_number(engine: Engine) -> None:
    [drill] = await engine.handle(msg("drill pick_response"))
    assert drill.drill is not None and drill.drill.one_click and len(drill.choices) >= 2
    [result] = await engine.handle(msg(action=drill.choices[0].value))
    assert result.feedback is not None
    [drill2] = await engine.handle(msg("drill spot_change_talk"))
    assert drill2.drill is not None
    [result2] = await engine.handle(msg("2"))
    assert result2.feedback is not None


async def test_revise_keeps_the_drill_open_for_another_go(engine: Engine, store: Store) -> None:
    await engine.handle(msg("drill open_question"))
    [first] = await engine.handle(msg("Do you like it?"))
    assert first.feedback is not None and first.feedback.verdict == "revise"
    assert await store.open_drill(ANA) is not None
    [second] = await engine.handle(msg("What do you like about how it is going so far?"))
    assert second.feedback is not None


async def test_bad_answers_keep_the_drill_open_and_record_nothing(engine: Engine, store: Store) -> None:
    await engine.handle(msg("drill reflection"))
    for text in ["", "   ", "x" * 40_000, "😀🙏🔥", "!!!"]:
        [reply] = await engine.handle(msg(text))
        assert reply.feedback is None
        assert "still open" in reply.text
    assert await store.history(ANA) == []
    assert await store.open_drill(ANA) is not None


async def test_mass_mentions_and_markup_are_never_echoed(engine: Engine) -> None:
    for text in ["<!channel> hello", "@here what", "<@U123> hi", "@everyone"]:
        replies = await engine.handle(msg(text))
        for reply in replies:
            assert "<!channel>" not in reply.text and "<@U123>" not in reply.text
            assert "@here" not in reply.text and "@everyone" not in reply.text


async def test_unknown_command_and_unknown_skill_get_friendly_answers(engine: Engine) -> None:
    [unknown] = await engine.handle(msg("frobnicate"))
    assert "help" in unknown.text
    [skill] = await engine.handle(msg("drill astrology"))
    assert "don't know" in skill.text and skill.drill is None


async def test_other_language_answer_is_told_so_and_costs_nothing(engine: Engine, store: Store) -> None:
    await engine.handle(msg("drill reflection"))
    for text in ["Estás cansado de esperar una solución.", "Me siento muy cansado y no sé qué hacer con mi trabajo.",
                 "你好，我最近工作很累。"]:
        [reply] = await engine.handle(msg(text))
        assert reply.feedback is None and reply.streak is None
        assert "English" in reply.text and "No attempt used" in reply.text and "still open" in reply.text
    assert await store.history(ANA) == []
    open_drill = await store.open_drill(ANA)
    assert open_drill is not None and open_drill.attempts == 0
    [graded] = await engine.handle(msg("You're tired of waiting for a fix."))
    assert graded.feedback is not None


async def test_an_answer_with_nothing_to_grade_costs_nothing(engine: Engine, store: Store) -> None:
    await engine.handle(msg("drill reflection"))
    for text in ["asdf", "menu", "idk", "I don't know", "lol"]:
        [reply] = await engine.handle(msg(text))
        assert reply.feedback is None and reply.streak is None, text
        assert "You're welcome" not in reply.text
    assert await store.history(ANA) == []
    open_drill = await store.open_drill(ANA)
    assert open_drill is not None and open_drill.attempts == 0
    [streak] = await engine.handle(msg("streak"))
    assert streak.streak is not None and streak.streak.current == 0


async def test_feedback_never_echoes_a_mention_that_could_ping(engine: Engine) -> None:
    await engine.handle(msg("drill reflection"))
    [reply] = await engine.handle(msg("<!channel> @here <@U123> you feel torn about the commute."))
    assert reply.feedback is not None
    shown = reply.text + " ".join(reply.feedback.feedback)
    assert "<!channel>" not in shown and "<@U123>" not in shown and "@here" not in shown


async def test_settings_validate_time_zone_and_reminder(engine: Engine, store: Store) -> None:
    [bad_tz] = await engine.handle(msg("settings tz Mars/Olympus"))
    assert "isn't a time zone" in bad_tz.text
    [good_tz] = await engine.handle(msg("settings tz america/new_york"))
    assert "America/New_York" in good_tz.text
    [bad_time] = await engine.handle(msg("settings reminder 25:99"))
    assert "isn't a time" in bad_time.text
    [twelve_hour] = await engine.handle(msg("settings reminder 7:15 pm"))
    assert "19:15" in twelve_hour.text and (await store.profile(ANA)).reminder == "19:15"
    [vague] = await engine.handle(msg("settings reminder 9"))
    assert "isn't a time" in vague.text and "`9am`, `9pm` or `21:00`" in vague.text
    [evening] = await engine.handle(msg("settings reminder 21"))
    assert "`21:00`" in evening.text
    [nothing] = await engine.handle(msg("settings tz"))
    assert "Which time zone?" in nothing.text
    [good_time] = await engine.handle(msg("settings reminder 8:45"))
    assert "08:45" in good_time.text
    assert (await store.profile(ANA)).reminder == "08:45"
    assert ANA in await store.reminder_members()
    [shown] = await engine.handle(msg("settings"))
    assert "America/New_York" in shown.text and "08:45" in shown.text
    [paused] = await engine.handle(msg("pause"))
    assert (await store.profile(ANA)).paused and paused.text.startswith("Reminders paused")
    [again] = await engine.handle(msg("pause"))
    assert "already paused" in again.text
    [moved] = await engine.handle(msg("settings reminder 9am"))
    assert "paused" in moved.text
    assert await engine.member_drill(ANA) is None
    await engine.handle(msg("resume"))
    assert await engine.member_drill(ANA) is not None


async def test_forget_me_asks_then_deletes_every_key(engine: Engine, store: Store) -> None:
    await engine.handle(msg("drill reflection"))
    await engine.handle(msg("You feel stuck between two options."))
    await engine.handle(msg("settings reminder 07:30"))
    [ask] = await engine.handle(msg("forget me"))
    assert "yes" in ask.text.lower()
    [done] = await engine.handle(msg("yes"))
    assert "deleted" in done.text
    assert [k async for k in store.redis.scan_iter(match="oars:m:*")] == []
    assert ANA not in await store.reminder_members()


async def test_forget_me_cancelled_keeps_data(engine: Engine, store: Store) -> None:
    await engine.handle(msg("drill reflection"))
    await engine.handle(msg("You feel stuck between two options."))
    await engine.handle(msg("forget me"))
    [kept] = await engine.handle(msg("no"))
    assert "nothing was deleted" in kept.text.lower()
    assert len(await store.history(ANA)) == 1


async def test_commands_while_a_drill_is_open_are_not_mistaken_for_answers(engine: Engine) -> None:
    await engine.handle(msg("drill affirmation"))
    [streak] = await engine.handle(msg("streak"))
    assert streak.streak is not None
    [feedback] = await engine.handle(msg("Progress like yours comes from showing up every day."))
    assert feedback.feedback is not None


async def test_schedule_needs_a_manager(engine: Engine) -> None:
    [refusal] = await engine.handle(msg("schedule daily 09:30 Europe/Berlin mon-fri"))
    assert "managers" in refusal.text


async def test_tips_by_situation_and_at_random_without_repeats(engine: Engine) -> None:
    [found] = await engine.handle(msg("tip client says they're fine and doesn't want to talk"))
    assert found.text.count("•") >= 1
    seen = []
    for _ in range(6):
        [tip] = await engine.handle(msg("tip"))
        seen.append(tip.text)
    assert all(a != b for a, b in itertools.pairwise(seen))


async def test_progress_reflects_answers(engine: Engine) -> None:
    [empty] = await engine.handle(msg("progress"))
    assert "No answers yet" in empty.text
    await engine.handle(msg("drill reflection"))
    await engine.handle(msg("You're tired of chasing this."))
    [progress] = await engine.handle(msg("progress"))
    assert progress.progress is not None
    assert sum(n for _, _, n in progress.progress.skills) == 1


async def test_thread_reply_to_channel_drill_is_graded_privately(engine: Engine, store: Store) -> None:
    reply, drill = await engine.channel_drill(["simple_reflections"])
    assert reply.drill is not None and not drill.one_click
    await engine.remember_channel_post("console", "local", "C1", "t1", drill.id)
    [feedback] = await engine.handle(
        msg("You're juggling a lot right now.", user="U9", channel="C1", thread="t1", is_direct=False)
    )
    assert feedback.feedback is not None and feedback.private


async def test_a_failed_send_is_replayed_on_redelivery_without_counting_twice(engine: Engine, store: Store) -> None:
    await engine.handle(msg("drill reflection"))
    answer = msg("You're worn out by the waiting.", message_id="lost-reply")
    first = await engine.handle(answer)
    assert first and first[0].feedback is not None
    assert await engine.handle(answer) == []  # an ordinary platform retry: silence
    await engine.release(answer)  # the adapter could not deliver `first`
    replayed = await engine.handle(answer)
    assert replayed == first
    assert await engine.handle(answer) == []  # replayed once
    assert len(await store.history(ANA)) == 1


async def test_release_before_anything_was_kept_lets_the_message_be_handled_anew(engine: Engine) -> None:
    streak_msg = msg("streak", message_id="early")
    assert await engine.store.claim_delivery(MemberRef("console", "local", "U1"), "early")
    await engine.release(streak_msg)
    [again] = await engine.handle(streak_msg)
    assert again.streak is not None
