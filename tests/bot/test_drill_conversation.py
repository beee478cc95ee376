"""Talking to OARS while a drill is open: commands run, small talk is answered, nothing is graded by mistake."""

from __future__ import annotations

from collections import Counter

from bot import replies
from bot.engine import Engine
from bot.store import MemberRef, Store
from tests.bot.helpers import msg

ANA = MemberRef("console", "local", "U1")


async def _nothing_recorded(store: Store) -> None:
    assert await store.history(ANA) == []
    assert (await store.streak(ANA)).current == 0


async def test_tip_with_a_drill_open_shows_the_tip_and_keeps_the_drill(engine: Engine, store: Store) -> None:
    await engine.handle(msg("drill reflection"))
    opened = await store.open_drill(ANA)
    [tip] = await engine.handle(msg("tip client is angry"))
    assert tip.feedback is None and tip.text.startswith("Tips for")
    assert "still open" in tip.text
    assert await store.open_drill(ANA) == opened
    await _nothing_recorded(store)


async def test_command_words_and_chatter_never_cost_an_attempt(engine: Engine, store: Store) -> None:
    await engine.handle(msg("drill reflection"))
    for text in ["tip how do I reflect feelings", "Help me", "thanks", "ok", "streak", "progress", "hint", "4"]:
        [reply] = await engine.handle(msg(text))
        assert reply.feedback is None, text
    opened = await store.open_drill(ANA)
    assert opened is not None and opened.attempts == 0
    await _nothing_recorded(store)


async def test_drill_request_replaces_the_open_drill_without_grading(engine: Engine, store: Store) -> None:
    await engine.handle(msg("drill reflection"))
    [fresh] = await engine.handle(msg("drill rolling with resistance"))
    assert fresh.drill is not None and fresh.drill.skill == "roll_with_resistance"
    assert "without grading" in fresh.text
    [unknown] = await engine.handle(msg("drill foo"))
    assert unknown.drill is None and "don't know" in unknown.text and "still open" in unknown.text
    [quick] = await engine.handle(msg("drill one_click"))
    assert quick.drill is not None and quick.drill.one_click
    await _nothing_recorded(store)


async def test_quit_puts_the_drill_away_uncounted(engine: Engine, store: Store) -> None:
    await engine.handle(msg("drill reflection"))
    [bye] = await engine.handle(msg("quit"))
    assert bye.feedback is None and "without grading" in bye.text
    assert await store.open_drill(ANA) is None
    await _nothing_recorded(store)


async def test_unclear_message_offers_a_choice_and_each_button_does_its_part(engine: Engine, store: Store) -> None:
    await engine.handle(msg("drill reflection"))
    text = "Tip the balance: you want both things at once."
    [ask] = await engine.handle(msg(text))
    assert ask.text.startswith("Answer or command?") and "\n" not in ask.text
    as_answer, as_command = ask.choices
    [tip] = await engine.handle(msg(action=as_command.value))
    assert tip.feedback is None and "still open" in tip.text
    [graded] = await engine.handle(msg(action=as_answer.value))
    assert graded.feedback is not None
    assert len(await store.history(ANA)) == 1


async def test_hint_moves_on_to_the_next_hint(engine: Engine) -> None:
    await engine.handle(msg("drill reflection"))
    seen = [(await engine.handle(msg("hint")))[0].text for _ in range(4)]
    assert len(set(seen[:3])) == 3
    assert "last hint" in seen[3]


async def test_small_talk_without_a_drill_gets_a_friendly_word(engine: Engine) -> None:
    [reply] = await engine.handle(msg("thanks"))
    assert "not sure" not in reply.text and "drill" in reply.text


async def test_another_drill_as_the_very_first_message(engine: Engine) -> None:
    [reply] = await engine.handle(msg("Another drill"))
    assert reply.drill is not None


async def test_schedule_in_the_console_says_what_works_there(engine: Engine) -> None:
    [reply] = await engine.handle(msg("schedule help", is_manager=True))
    assert "console" in reply.text and "oars schedule" in reply.text


async def test_reminder_in_the_console_says_where_it_fires(engine: Engine) -> None:
    [reply] = await engine.handle(msg("settings reminder 08:30"))
    assert "Slack and Teams" in reply.text


async def test_resume_without_a_reminder_does_not_claim_one(engine: Engine) -> None:
    await engine.handle(msg("settings reminder 08:30"))
    await engine.handle(msg("settings reminder off"))
    [reply] = await engine.handle(msg("resume"))
    assert "back on" not in reply.text and "no daily reminder" in reply.text


async def test_named_kind_draws_from_every_skill_using_it(engine: Engine, store: Store) -> None:
    skills: Counter[str] = Counter()
    for _ in range(40):
        [reply] = await engine.handle(msg("drill roll_with_resistance"))
        assert reply.drill is not None and reply.drill.kind == "roll_with_resistance"
        skills[reply.drill.skill] += 1
        await store.clear_open_drill(ANA)
    assert set(skills) == {"roll_with_resistance", "avoid_arguing"}
    assert skills["roll_with_resistance"] > skills["avoid_arguing"]  # 14 drills against 8, equal need


def test_choice_line_is_shared_with_renderers() -> None:
    assert "tap" in replies.CHOOSE_ONE


async def test_one_click_options_are_graded_in_the_order_the_member_saw_them(engine: Engine) -> None:
    for _ in range(3):
        [shown] = await engine.handle(msg("drill pick_response"))
        assert shown.drill is not None
        drill = engine.catalogue.drill(shown.drill.id)
        assert drill is not None
        right = next(o.text for o in drill.options if o.correct)
        number = [c.label for c in shown.choices].index(right) + 1
        assert f"{number}. {right}" in shown.text
        [verdict] = await engine.handle(msg(str(number)))
        assert verdict.feedback is not None and verdict.feedback.verdict == "pass"


async def test_a_tip_asked_in_another_language_says_tips_are_in_english(engine: Engine) -> None:
    [reply] = await engine.handle(msg("tip el cliente está muy enojado y no quiere hablar"))
    assert "in English" in reply.text and "•" not in reply.text and "‹el cliente" in reply.text


async def test_tips_fit_the_moment_not_the_word_client(engine: Engine) -> None:
    [angry] = await engine.handle(msg("tip client is angry"))
    assert angry.text.splitlines()[1].startswith("• When someone is angry with you")
    [mention] = await engine.handle(msg("tip @here <!channel>"))  # no situation left: one tip at random
    assert "@" not in mention.text and "Tips for" not in mention.text


async def test_a_tip_nobody_wrote_says_so_and_offers_skills(engine: Engine) -> None:
    for query in ["asdkjh qwpoe zzz", "🙃", "x"]:
        [reply] = await engine.handle(msg(f"tip {query}"))
        assert "don't have a tip" in reply.text and "•" not in reply.text
        assert any(c.value.startswith("drill:") for c in reply.choices)
    [drill] = await engine.handle(msg(action=reply.choices[0].value))
    assert drill.drill is not None


async def test_small_talk_under_a_team_drill_is_left_alone(engine: Engine, store: Store) -> None:
    _, drill = await engine.channel_drill(["simple_reflections"])
    await engine.remember_channel_post("console", "local", "C1", "t1", drill.id)
    assert await engine.handle(msg("thanks!", user="U9", channel="C1", thread="t1", is_direct=False)) == []
    [feedback] = await engine.handle(msg("You're juggling a lot.", user="U9", channel="C1", thread="t1",
                                         is_direct=False))
    assert feedback.feedback is not None


async def test_a_mistyped_command_gets_a_did_you_mean(engine: Engine) -> None:
    [reply] = await engine.handle(msg("streek"))
    assert "Did you mean `streak`?" in reply.text
    [ran] = await engine.handle(msg(action=reply.choices[0].value))
    assert ran.streak is not None
    [drill] = await engine.handle(msg("dril open questions"))
    assert "`drill open questions`" in drill.text
    [shown] = await engine.handle(msg(action=drill.choices[0].value))
    assert shown.drill is not None and shown.drill.kind == "open_question"
    [foreign] = await engine.handle(msg("你好，我想练习"))
    assert "English" in foreign.text


async def test_skip_with_nothing_open_says_so(engine: Engine) -> None:
    [reply] = await engine.handle(msg("skip"))
    assert reply.text.startswith("No drill was open") and reply.drill is not None
    [again] = await engine.handle(msg("skip"))
    assert again.text.startswith("Skipped.")
