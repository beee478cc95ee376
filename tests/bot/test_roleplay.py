"""The role-play flow through the engine on real Redis: start, turns, end, report, restart, odd input."""

from __future__ import annotations

import random

from bot.clock import Clock
from bot.engine import Engine
from bot.store import MemberRef, Store
from tests.bot.helpers import msg
from tests.exercises.roleplay.scripts import ARGUING, REFLECTIVE

ANA = MemberRef("console", "local", "U1")


async def test_start_turns_end_and_report(engine: Engine, store: Store) -> None:
    [intro] = await engine.handle(msg("roleplay inhaler seed 7"))
    assert intro.extra["roleplay"] == {"case": "inhaler", "turn": 0, "client_talk": "neutral", "discord": False}
    assert "Marcus" in intro.text and "seed 7" in intro.text
    for n, line in enumerate(REFLECTIVE[:4], start=1):
        [client] = await engine.handle(msg(line))
        part = client.extra["roleplay"]
        assert part["case"] == "inhaler" and part["turn"] == n
        assert part["client_talk"] in {"change", "sustain", "neutral"} and isinstance(part["discord"], bool)
    [report] = await engine.handle(msg("end"))
    numbers = report.extra["report"]
    assert numbers["simple_reflections"] + numbers["complex_reflections"] >= 3
    assert "Role-play report" in report.text and "Best moments" in report.text
    assert await store.redis.get(store.key(ANA, "roleplay")) is None
    [progress] = await engine.handle(msg("progress"))
    assert "Role-plays:* 1 played" in progress.text and progress.extra["roleplay_trend"][0]["case"] == "inhaler"


async def test_session_closes_itself_after_twelve_turns(engine: Engine) -> None:
    await engine.handle(msg("roleplay missed-deadlines seed 2"))
    for line in REFLECTIVE[:11]:
        assert len(await engine.handle(msg(line))) == 1
    last = await engine.handle(msg(REFLECTIVE[11]))
    assert [("roleplay" in r.extra, "report" in r.extra) for r in last] == [(True, False), (False, True)]
    assert last[0].extra["roleplay"]["turn"] == 12 and not last[0].choices
    report = last[1].extra["report"]
    assert report["change_talk"] > report["sustain_talk"] and report["rq_ratio"] >= 2


async def test_arguing_member_draws_discord(engine: Engine) -> None:
    await engine.handle(msg("roleplay skipping-lectures seed 4"))
    parts = [(await engine.handle(msg(line)))[0].extra["roleplay"] for line in ARGUING[:6]]
    assert any(p["discord"] for p in parts)
    assert sum(p["client_talk"] == "sustain" for p in parts) >= 5


async def test_survives_an_engine_restart(store: Store, clock: Clock) -> None:
    first = Engine(store, clock, rng=random.Random(1))
    await first.handle(msg("roleplay churning-customer seed 11"))
    [one] = await first.handle(msg(REFLECTIVE[0]))
    second = Engine(store, clock, rng=random.Random(99))  # a new process: only Redis is shared
    [two] = await second.handle(msg(REFLECTIVE[1]))
    assert (one.extra["roleplay"]["turn"], two.extra["roleplay"]["turn"]) == (1, 2)
    ttl = await store.redis.ttl(store.key(ANA, "roleplay"))
    assert 0 < ttl <= 24 * 3600
    [report] = await second.handle(msg("end"))
    assert report.extra["report"]["complex_reflections"] + report.extra["report"]["simple_reflections"] == 2


async def test_same_script_and_seed_same_session_through_the_engine(engine: Engine, store: Store) -> None:
    async def run(user: str) -> list[str]:
        said = [(await engine.handle(msg("roleplay health seed 5", user=user)))[0].text]
        for line in (REFLECTIVE[0], ARGUING[0], "Do you use it?", "What worries you about it?"):
            said.append((await engine.handle(msg(line, user=user)))[0].text)
        return said

    assert await run("A") == await run("B")


async def test_odd_input_keeps_the_session_and_counts_nothing(engine: Engine, store: Store) -> None:
    await engine.handle(msg("roleplay inhaler seed 1"))
    for text in ["", "x" * 40_000, "😀🙏", "drill", "skip"]:
        [reply] = await engine.handle(msg(text))
        assert "roleplay" not in reply.extra
    [foreign] = await engine.handle(msg("No quiero hablar de eso ahora mismo, de verdad."))
    assert "roleplay" not in foreign.extra and "English" in foreign.text and "isn't counted" in foreign.text
    [help_] = await engine.handle(msg("help"))
    assert "role-play" in help_.text and "roleplay" not in help_.extra
    [hello] = await engine.handle(msg("Hello!"))  # a greeting is a turn, not the help command
    assert hello.extra["roleplay"]["turn"] == 1
    [streak] = await engine.handle(msg("streak"))  # other commands still work mid-session
    assert streak.streak is not None
    [mention] = await engine.handle(msg("<!channel> you keep saying @here it's fine"))
    assert mention.extra["roleplay"]["turn"] == 2
    assert "<!channel>" not in mention.text and "@here" not in mention.text
    [again] = await engine.handle(msg("roleplay"))
    assert "already" in again.text
    [how] = await engine.handle(msg("roleplay how"))  # an aside: answered, and the session goes on
    assert "How the simulated client reacts" in how.text
    [number] = await engine.handle(msg("12345"))
    assert "roleplay" not in number.extra and "isn't counted" in number.text
    [tip] = await engine.handle(msg("tip client is defensive"))  # asks the coach, not the client
    assert "roleplay" not in tip.extra and tip.text.startswith("Tips for")
    [turn] = await engine.handle(msg("You're not sure this meeting is worth your time."))
    assert turn.extra["roleplay"]["turn"] == 3


async def test_starting_a_roleplay_says_the_open_drill_was_put_away(engine: Engine, store: Store) -> None:
    await engine.handle(msg("drill reflection"))
    [intro] = await engine.handle(msg("roleplay inhaler seed 1"))
    assert "put your open drill away" in intro.text
    assert await store.open_drill(ANA) is None


async def test_redelivered_turn_counts_once(engine: Engine) -> None:
    await engine.handle(msg("roleplay inhaler seed 1"))
    turn = msg(REFLECTIVE[0], message_id="same")
    assert len(await engine.handle(turn)) == 1
    assert await engine.handle(turn) == []
    [next_] = await engine.handle(msg(REFLECTIVE[1]))
    assert next_.extra["roleplay"]["turn"] == 2


async def test_turn_taken_before_a_crash_is_answered_again_not_counted(engine: Engine, store: Store) -> None:
    await engine.handle(msg("roleplay inhaler seed 1"))
    [first] = await engine.handle(msg(REFLECTIVE[0], message_id="crashy"))
    await engine.handle(msg(REFLECTIVE[1]))
    # The process died after writing the turn but before its reply was kept: the redelivery is handled anew.
    [again] = await engine.roleplay.route(ANA, msg(REFLECTIVE[0], message_id="crashy"), REFLECTIVE[0]) or [None]
    assert again is not None and again.text == first.text and again.extra == first.extra
    [third] = await engine.handle(msg(REFLECTIVE[2]))
    assert third.extra["roleplay"]["turn"] == 3


async def test_unknown_case_list_and_end_without_turns(engine: Engine) -> None:
    [unknown] = await engine.handle(msg("roleplay <!channel> juggling"))
    assert "no role-play" in unknown.text and "<!channel>" not in unknown.text
    [listing] = await engine.handle(msg("roleplay list"))
    assert "inhaler" in listing.text and "car-keys" in listing.text
    [how] = await engine.handle(msg("roleplay how"))
    assert "engagement" in how.text and "discord" in how.text and "readiness" in how.text
    [none] = await engine.handle(msg("end"))
    assert "end" in none.text.lower()
    await engine.handle(msg("roleplay"))
    [empty] = await engine.handle(msg("end"))
    assert "nothing to report" in empty.text


async def test_buttons_start_and_end(engine: Engine) -> None:
    [intro] = await engine.handle(msg(action="roleplay"))
    assert "roleplay" in intro.extra
    assert intro.choices[0].value == "roleplay:end"
    await engine.handle(msg(REFLECTIVE[0]))
    [report] = await engine.handle(msg(action="roleplay:end"))
    assert "report" in report.extra


async def test_coach_nudges_after_non_adherent_moves(engine: Engine) -> None:
    [on] = await engine.handle(msg("coach on"))
    assert "on" in on.text
    await engine.handle(msg("roleplay inhaler seed 1"))
    replies = await engine.handle(msg("You should just take the brown inhaler every day."))
    assert len(replies) == 2 and "Coach" in replies[1].text
    assert len(await engine.handle(msg(REFLECTIVE[1]))) == 1
    await engine.handle(msg("coach off"))
    assert len(await engine.handle(msg("You have to take it, you're being silly."))) == 1


async def test_roleplay_in_a_channel_points_to_the_dm(engine: Engine) -> None:
    [reply] = await engine.handle(msg("roleplay", is_direct=False, channel="C1"))
    assert "direct chat" in reply.text and reply.private


async def test_end_with_no_roleplay_open_says_so(engine: Engine) -> None:
    [reply] = await engine.handle(msg("end"))
    assert "No role-play is open" in reply.text
