"""A synthetic team written through the store's real answer path, for the report tests (hand-counted below).

NOW is Monday 2 March 2026, 09:00 Berlin. Weeks are the seven days ending then: this week is 23 Feb 09:00 to
2 Mar 09:00, last week the seven days before. Every answer is at 10:00 Berlin on the day named.

Slack workspace T1, members U01..U12 (U12 opted out of reports, U11 never answered):
- 4 weeks ago, Sun 8 Feb: U01-U04 answer q3 (open questions) with 3.
- 3 weeks ago, Sun 15 Feb: U01-U02 answer q4 (open questions) with 3.
- last week, Sun 22 Feb: U01-U10 answer q2 (open questions) with 3; U01-U03 answer r2 (reflections) with 3.
- this week:
  - U01-U03 answer q1 on Fri 27 and Sat 28 Feb with 1 and on Sun 1 Mar with 3 (one drill, best 3; streak 3);
  - U04-U06 answer q1 on Sun 1 Mar with 1;
  - U07 answers r1 with 1 and again with 3, U08 and U09 answer r1 with 2 (Sun 1 Mar);
  - U01, U02 answer s1 (summaries) with 3 (Sun 1 Mar);
  - U12 (opted out) answers q1 with 0 and r1 with 0.
- channel C1 got q2 on Fri 20 Feb 09:30 and r1 on Fri 27 Feb 09:30.
- tips asked this week: U01-U04 about rolling with resistance, U05 about summaries.
- role-plays this week (open/closed questions, simple/complex reflections): U01 2/2, 2/2 (R:Q 1.0, 50% open);
  U02 3/1, 4/2 (1.5, 75%); U03 1/1, 1/0 (0.5, 50%); U04 did one last week. Team: R:Q 1.0, 58.3% open.

Hand count, workspace T1 (U01-U10: U11 never practised, U12 opted out; 10 members): members_active 9;
drills_answered 11 (U01 q1+s1, U02 q1+s1, U03 q1, U04-U06 q1, U07-U09 r1); open questions (3x1 + 3x1/3)/6 = 0.667,
last week 1.0; simple reflections (1 + 2/3 + 2/3)/3 = 0.778, last week 1.0; summaries 2 members: withheld, nobody
last week: withheld; weeks active 4, 2, 10, 9 and drills 4, withheld, 13, 11; streaks 0 days: U10 (1, withheld), 1-2
days: U04-U09 (6), 3-6 days: U01-U03 (3); channel C1's team: U01-U10 (answered q2 within its thread's three days),
this week r1 answered by 3 of 10: 0.3.
"""

from __future__ import annotations

import json
from datetime import datetime

from bot.store import AnswerRecord, MemberRef, Store
from bot.team_data import TeamData
from exercises.model import Verdict
from exercises.practice import update_skill

NOW = datetime.fromisoformat("2026-03-02T09:00:00+01:00")
TZ = "Europe/Berlin"
SKILL = {"q": "open_questions", "r": "simple_reflections", "s": "summaries"}


def users(first: int, last: int) -> list[str]:
    return [f"U{n:02d}" for n in range(first, last + 1)]


async def answer_as(store: Store, user: str, drill_id: str, score: int, day: str, workspace: str = "T1",
                 platform: str = "slack", attempt: int = 0) -> None:
    member = MemberRef(platform, workspace, user)
    when = datetime.fromisoformat(f"{day}T10:00:00+01:00")
    verdict = Verdict("pass" if score >= 2 else "revise", score, (), "")
    record = AnswerRecord(drill_id, SKILL[drill_id[0]], "open_question", verdict.verdict, score, when.isoformat(),
                          f"{user}-{drill_id}-{day}-{attempt}")
    await store.record_answer(member, record, TZ, lambda state: update_skill(state, verdict, when), close_open=False)


async def seed_team(store: Store, platform: str = "slack", workspace: str = "T1") -> None:
    data = TeamData(store, TZ)
    for user in users(1, 12):
        await store.update_profile(MemberRef(platform, workspace, user), tz=TZ, name=user.lower())
    await data.set_opted_out(MemberRef(platform, workspace, "U12"), True)

    async def answer(store: Store, user: str, drill_id: str, score: int, day: str, attempt: int = 0) -> None:
        await answer_as(store, user, drill_id, score, day, workspace, platform, attempt)
    for user in users(1, 4):
        await answer(store, user, "q3", 3, "2026-02-08")
    for user in users(1, 2):
        await answer(store, user, "q4", 3, "2026-02-15")
    for user in users(1, 10):
        await answer(store, user, "q2", 3, "2026-02-22")
    for user in users(1, 3):
        await answer(store, user, "r2", 3, "2026-02-22")
        await answer(store, user, "q1", 1, "2026-02-27")
        await answer(store, user, "q1", 1, "2026-02-28")
        await answer(store, user, "q1", 3, "2026-03-01")
    for user in users(4, 6):
        await answer(store, user, "q1", 1, "2026-03-01")
    await answer(store, "U07", "r1", 1, "2026-03-01")
    await answer(store, "U07", "r1", 3, "2026-03-01", attempt=1)
    await answer(store, "U08", "r1", 2, "2026-03-01")
    await answer(store, "U09", "r1", 2, "2026-03-01")
    await answer(store, "U01", "s1", 3, "2026-03-01")
    await answer(store, "U02", "s1", 3, "2026-03-01")
    await answer(store, "U12", "q1", 0, "2026-03-01")
    await answer(store, "U12", "r1", 0, "2026-03-01")
    await data.note_channel_post(platform, workspace, "C1", "1700000000.000001", "q2",
                                 datetime.fromisoformat("2026-02-20T09:30:00+01:00"))
    await data.note_channel_post(platform, workspace, "C1", "1700000000.000002", "r1",
                                 datetime.fromisoformat("2026-02-27T09:30:00+01:00"))
    asked = datetime.fromisoformat("2026-02-28T12:00:00+01:00")
    for user in users(1, 4):
        await data.note_tip(MemberRef(platform, workspace, user), "roll_with_resistance", asked)
    await data.note_tip(MemberRef(platform, workspace, "U05"), "summaries", asked)
    for user, counts, day in (("U01", (2, 2, 2, 2), "2026-02-28"), ("U02", (3, 1, 4, 2), "2026-03-01"),
                              ("U03", (1, 1, 1, 0), "2026-02-26"), ("U04", (5, 0, 9, 9), "2026-02-20")):
        await roleplay_summary(store, MemberRef(platform, workspace, user), counts, day)


async def roleplay_summary(store: Store, member: MemberRef, counts: tuple[int, int, int, int], day: str) -> None:
    """A finished role-play's summary row, shaped as bot.roleplay keeps it."""
    oq, cq, sr, cr = counts
    row = {"case": "team_lead_1", "at": f"{day}T11:00:00+01:00", "seed": 1, "turns": 6, "via": "chat",
           "open_questions": oq, "closed_questions": cq, "simple_reflections": sr, "complex_reflections": cr,
           "rq_ratio": round((sr + cr) / max(oq + cq, 1), 2), "pct_open": 0.0}
    await store.redis.lpush(store.key(member, "roleplays"), json.dumps(row))


async def seed_pair(store: Store) -> None:
    """A team of two (workspace T2): every figure is about fewer than three people."""
    for user in ("U1", "U2"):
        await store.update_profile(MemberRef("slack", "T2", user), tz=TZ)
        await answer_as(store, user, "q1", 3, "2026-03-01", workspace="T2")
        await answer_as(store, user, "r1", 2, "2026-02-22", workspace="T2")
