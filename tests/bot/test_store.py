"""Store semantics on real Redis: atomic, idempotent answer recording and member key hygiene."""

from __future__ import annotations

import asyncio
from datetime import datetime

from redis.crc import key_slot

from bot.store import AnswerRecord, MemberRef, Store
from exercises.model import Verdict
from exercises.practice import update_skill

BEA = MemberRef("slack", "T1", "U2")
AT = "2026-03-02T09:00:00+01:00"
PASS = Verdict("pass", 3, ("ok",), "model", ())


def answer(message_id: str, drill_id: str = "sr-001") -> AnswerRecord:
    return AnswerRecord(drill_id, "simple_reflections", "reflection", "pass", 3, AT, message_id)


def fold(state):  # type: ignore[no-untyped-def]
    return update_skill(state, PASS, datetime.fromisoformat(AT))


async def test_the_same_message_id_records_once_even_concurrently(store: Store) -> None:
    results = await asyncio.gather(
        *(store.record_answer(BEA, answer("evt-1"), "Europe/Berlin", fold, close_open=True) for _ in range(8))
    )
    assert sum(not r.duplicate for r in results) == 1
    assert len(await store.history(BEA)) == 1
    assert (await store.skills(BEA))["simple_reflections"].attempts == 1


async def test_concurrent_distinct_answers_all_count(store: Store) -> None:
    await asyncio.gather(
        *(store.record_answer(BEA, answer(f"evt-{i}"), "Europe/Berlin", fold, close_open=False) for i in range(10))
    )
    assert (await store.skills(BEA))["simple_reflections"].attempts == 10
    assert (await store.streak(BEA)).current == 1


async def test_every_member_key_shares_one_hash_tag(store: Store) -> None:
    await store.update_profile(BEA, tz="UTC")
    await store.record_answer(BEA, answer("evt-9"), "UTC", fold, close_open=False)
    await store.ask_confirm(BEA, "forget")
    keys = [k async for k in store.redis.scan_iter(match="oars:m:*")]
    assert keys and all("{slack:T1:U2}" in k for k in keys)
    assert len({key_slot(k.encode()) for k in keys}) == 1


async def test_history_is_bounded(redis) -> None:  # type: ignore[no-untyped-def]
    small = Store(redis, history_limit=5)
    for i in range(12):
        await small.record_answer(BEA, answer(f"h{i}", f"d{i}"), "UTC", fold, close_open=False)
    assert len(await small.history(BEA, limit=50)) == 5


async def test_ids_with_braces_or_glob_characters_stay_inside_their_tag(store: Store) -> None:
    odd = MemberRef("teams", "t{1}", "29:a*b?")
    await store.update_profile(odd, tz="UTC")
    other = MemberRef("teams", "t_1_", "29:a_b_x")
    await store.update_profile(other, tz="UTC")
    await store.forget(odd)
    assert (await store.profile(other)).tz == "UTC"


async def test_an_answer_waits_for_its_replicas_and_says_so_when_they_are_missing(  # type: ignore[no-untyped-def]
        redis, caplog) -> None:
    """With OARS_REDIS_REPLICAS the commit and its WAIT go out together; this server has no replica, so WAIT
    times out at 0 and the answer still counts (it is on the master), with a warning for the operator."""
    waiting = Store(redis, replicas=1, replica_timeout_ms=20)
    first = await waiting.record_answer(BEA, answer("w-1"), "UTC", fold, close_open=False)
    again = await waiting.record_answer(BEA, answer("w-1"), "UTC", fold, close_open=False)
    assert not first.duplicate and again.duplicate
    assert len(await waiting.history(BEA)) == 1
    assert "0 of 1 replicas confirmed it within 20 ms" in caplog.text
