"""Streak arithmetic: examples, DST, time-zone changes and properties."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from exercises.streaks import MAX_FREEZES, Streak, as_of, local_day, practice_at, record_practice

D0 = date(2026, 3, 2)


def days(*offsets: int) -> Streak:
    streak = Streak()
    for offset in offsets:
        streak = record_practice(streak, D0 + timedelta(days=offset))
    return streak


def test_consecutive_days_grow_and_same_day_counts_once() -> None:
    assert days(0).current == 1
    assert days(0, 0, 0).current == 1
    assert days(0, 1).current == 2


def test_two_missed_days_without_freezes_restart_at_one() -> None:
    streak = days(0, 1, 4)
    assert (streak.current, streak.longest) == (1, 2)


def test_seven_days_earn_a_freeze_that_bridges_one_missed_day() -> None:
    week = days(*range(7))
    assert (week.current, week.freezes) == (7, 1)
    bridged = record_practice(week, D0 + timedelta(days=8))  # day 7 missed
    assert (bridged.current, bridged.freezes) == (8, 0)


def test_freezes_are_capped_at_two() -> None:
    streak = days(*range(28))
    assert streak.freezes == MAX_FREEZES


def test_two_freezes_bridge_two_missed_days_but_not_three() -> None:
    streak = days(*range(14))
    assert streak.freezes == 2
    assert record_practice(streak, D0 + timedelta(days=16)).current == 15
    assert record_practice(streak, D0 + timedelta(days=17)).current == 1


def test_as_of_shows_a_broken_streak_as_zero_and_keeps_longest() -> None:
    streak = days(0, 1, 2)
    assert as_of(streak, D0 + timedelta(days=3)).current == 3
    broken = as_of(streak, D0 + timedelta(days=5))
    assert (broken.current, broken.longest) == (0, 3)


def test_dst_spring_forward_and_fall_back_keep_local_days() -> None:
    # Europe/Berlin springs forward on 2026-03-29 and falls back on 2026-10-25.
    tz = "Europe/Berlin"
    before = datetime.fromisoformat("2026-03-28T23:30:00+01:00")
    after = datetime.fromisoformat("2026-03-29T23:30:00+02:00")
    assert (local_day(after, tz) - local_day(before, tz)).days == 1
    late = datetime.fromisoformat("2026-10-25T00:30:00+02:00")
    later = datetime.fromisoformat("2026-10-25T23:30:00+01:00")
    assert local_day(late, tz) == local_day(later, tz)
    streak = record_practice(record_practice(Streak(), local_day(before, tz)), local_day(after, tz))
    assert streak.current == 2


def test_flying_west_never_counts_a_day_twice() -> None:
    tokyo = datetime.fromisoformat("2026-03-03T05:00:00+09:00")  # 3rd in Tokyo, 2nd in Los Angeles
    streak = practice_at(Streak(), tokyo, "Asia/Tokyo")
    same_evening_la = tokyo + timedelta(hours=2)  # still the 2nd in LA
    assert practice_at(streak, same_evening_la, "America/Los_Angeles").current == 1
    next_day_la = tokyo + timedelta(hours=26)  # the 3rd in LA, the 4th in Tokyo
    assert practice_at(streak, next_day_la, "America/Los_Angeles").current == 2


def test_flying_east_never_breaks_a_streak() -> None:
    la = datetime.fromisoformat("2026-03-02T20:00:00-08:00")  # 2nd in LA, 3rd 13:00 in Tokyo
    streak = practice_at(Streak(), la, "America/Los_Angeles")
    tokyo_4th = la + timedelta(hours=14)  # the 4th 03:00 in Tokyo, the 3rd in LA
    moved = practice_at(streak, tokyo_4th, "Asia/Tokyo")
    assert (moved.current, moved.tz) == (2, "Asia/Tokyo")


@given(st.lists(st.integers(min_value=0, max_value=60), max_size=40))
def test_properties_hold_for_any_practice_pattern(offsets: list[int]) -> None:
    streak = Streak()
    for offset in sorted(offsets):
        previous = streak
        streak = record_practice(streak, D0 + timedelta(days=offset))
        assert 0 <= streak.freezes <= MAX_FREEZES
        assert streak.longest >= streak.current >= 1
        assert streak.longest >= previous.longest
        assert streak.current in {previous.current, previous.current + 1, 1}
    if offsets:
        assert streak.current <= len(set(offsets))


def test_news_tells_what_a_practice_did() -> None:
    from exercises.streaks import news, record_practice

    d0 = date(2026, 3, 2)
    first = record_practice(Streak(), d0)
    assert news(Streak(), first).started
    again = record_practice(first, d0)
    assert news(first, again).same_day
    second = record_practice(first, d0 + timedelta(days=1))
    n = news(first, second)
    assert not n.same_day and not n.ended and n.freezes_used == 0 and n.new_best
    lapsed = record_practice(second, d0 + timedelta(days=5))
    assert news(second, lapsed).ended == 2
    held = Streak(current=7, longest=7, freezes=1, last_day=d0)
    bridged = record_practice(held, d0 + timedelta(days=2))
    n = news(held, bridged)
    assert n.freezes_used == 1 and bridged.current == 8 and not n.ended
    earned = record_practice(Streak(6, 6, 0, d0), d0 + timedelta(days=1))
    assert news(Streak(6, 6, 0, d0), earned).freeze_earned


def test_changing_the_zone_never_adds_a_day() -> None:
    from exercises.streaks import practised_on

    noon_utc = datetime.fromisoformat("2026-03-02T13:00:00+00:00")  # the 3rd 03:00 in Kiritimati (UTC+14)
    streak = practice_at(Streak(), noon_utc, "UTC")
    ahead = practice_at(streak, noon_utc + timedelta(minutes=1), "Pacific/Kiritimati")
    assert ahead.current == 1 and ahead.tz == "UTC"
    # today there is the 3rd, but where the practice was recorded it is still the 2nd: practised today
    assert practised_on(ahead, local_day(noon_utc, "Pacific/Kiritimati"), local_day(noon_utc, ahead.tz))
    back = practice_at(ahead, noon_utc + timedelta(minutes=3), "UTC")
    assert back.current == 1
    behind_today = local_day(noon_utc + timedelta(minutes=2), "Etc/GMT+12")  # the 2nd, 01:02
    assert practised_on(ahead, behind_today)
    next_day = practice_at(ahead, noon_utc + timedelta(hours=24), "Pacific/Kiritimati")
    assert next_day.current == 2
    in_kiritimati = practice_at(Streak(), noon_utc, "Pacific/Kiritimati")  # recorded on the 3rd
    assert practised_on(in_kiritimati, behind_today)  # the 2nd where the member now is: still practised today
