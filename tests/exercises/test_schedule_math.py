"""Pure schedule arithmetic: parsing, errors that name the problem, and fire times across DST."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exercises.schedule_math import (
    ALL_DAYS,
    WEEKDAYS,
    ScheduleError,
    format_days,
    is_time,
    join_meridiem,
    last_fire,
    local_date,
    looks_like_days,
    next_fire,
    parse_days,
    parse_skill,
    parse_time,
    parse_zone,
)

BERLIN = ZoneInfo("Europe/Berlin")


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


@pytest.mark.parametrize(("text", "expected"), [("09:30", time(9, 30)), ("9:05", time(9, 5)), ("23:59", time(23, 59)),
                                                ("00:00", time(0, 0)), ("7am", time(7, 0)), ("7 PM", time(19, 0)),
                                                ("09:30pm", time(21, 30)), ("9.30 a.m.", time(9, 30)),
                                                ("12am", time(0, 0)), ("12:15pm", time(12, 15)),
                                                ("noon", time(12, 0)), ("Midnight", time(0, 0))])
def test_parse_time(text: str, expected: time) -> None:
    assert parse_time(text) == expected
    assert is_time(text)


@pytest.mark.parametrize("text", ["25:99", "24:00", "9", "9:5", "", "13pm", "0am", "19:30pm", "9:5pm", "tea time"])
def test_parse_time_rejects(text: str) -> None:
    """A bare '9' stays refused: morning or evening is the person's to say."""
    with pytest.raises(ScheduleError, match="isn't a time I can read; use HH:MM"):
        parse_time(text)
    assert not is_time(text)


def test_a_time_typed_as_two_words_becomes_one() -> None:
    assert join_meridiem(["daily", "7", "pm", "Europe/Berlin"]) == ["daily", "7pm", "Europe/Berlin"]
    assert join_meridiem(["mon", "9:30", "a.m."]) == ["mon", "9:30a.m."]
    assert join_meridiem(["pm", "am"]) == ["pm", "am"]  # nothing to join to


def test_parse_zone() -> None:
    assert parse_zone("europe/berlin") == "Europe/Berlin"
    assert parse_zone("utc") == "UTC"
    with pytest.raises(ScheduleError, match=r"Mars/Olympus› isn't a time zone"):
        parse_zone("Mars/Olympus")


@pytest.mark.parametrize(("text", "days"), [
    ("mon-fri", WEEKDAYS), ("weekdays", WEEKDAYS), ("Mon,Wed,Fri", (0, 2, 4)), ("weekends", (5, 6)),
    ("daily", ALL_DAYS), ("every day", ALL_DAYS), ("fri-mon", (0, 4, 5, 6)), ("tuesday", (1,)),
    ("mon-wed,sat", (0, 1, 2, 5)),
])
def test_parse_days(text: str, days: tuple[int, ...]) -> None:
    assert parse_days(text) == days
    assert parse_days(format_days(days)) == days


@pytest.mark.parametrize(("text", "problem"), [
    ("", "no weekdays"), (",", "no weekdays"), ("mon-", "incomplete"), ("fry", "fry› isn't a weekday"),
    ("mon-funday", "funday› isn't a weekday"),
])
def test_parse_days_rejects(text: str, problem: str) -> None:
    with pytest.raises(ScheduleError, match=problem):
        parse_days(text)


def test_format_days_is_short() -> None:
    assert [format_days(d) for d in (ALL_DAYS, WEEKDAYS, (5, 6), (1, 2, 3), (0, 2))] == [
        "daily", "mon-fri", "weekends", "tue-thu", "mon,wed"]


def test_looks_like_days() -> None:
    assert all(looks_like_days(t) for t in ("mon-fri", "mon,wed", "weekdays", "daily", "Tuesday"))
    assert not any(looks_like_days(t) for t in ("reflections", "juggling", "Europe/Berlin"))


def test_parse_skill() -> None:
    assert parse_skill("reflections") == "simple_reflections"
    assert parse_skill("Open-Questions") == "open_questions"
    with pytest.raises(ScheduleError, match="juggling› isn't a skill"):
        parse_skill("juggling")


def test_0930_berlin_stays_0930_across_both_dst_changes() -> None:
    at = time(9, 30)
    spring = [utc("2026-03-28T07:00:00+00:00")]
    autumn = [utc("2026-10-24T07:00:00+00:00")]
    for fires in (spring, autumn):
        for _ in range(3):
            fires.append(next_fire(fires[-1], at, "Europe/Berlin", ALL_DAYS))
    assert [f.astimezone(BERLIN).strftime("%d %H:%M") for f in spring[1:]] == ["28 09:30", "29 09:30", "30 09:30"]
    assert [f.strftime("%H:%M") for f in spring[1:]] == ["08:30", "07:30", "07:30"]  # UTC moves, local does not
    assert [f.astimezone(BERLIN).strftime("%d %H:%M") for f in autumn[1:]] == ["24 09:30", "25 09:30", "26 09:30"]
    assert [f.strftime("%H:%M") for f in autumn[1:]] == ["07:30", "08:30", "08:30"]


def test_gap_and_repeated_local_times() -> None:
    gap = next_fire(utc("2026-03-28T12:00:00+00:00"), time(2, 30), "Europe/Berlin", ALL_DAYS)
    assert gap == utc("2026-03-29T01:30:00+00:00")  # 02:30 doesn't exist that day: fires at 03:30 CEST
    twice = next_fire(utc("2026-10-24T12:00:00+00:00"), time(2, 30), "Europe/Berlin", ALL_DAYS)
    assert twice == utc("2026-10-25T00:30:00+00:00")  # the first of the two 02:30s, once


def test_weekdays_skip_the_weekend_and_last_fire() -> None:
    friday_after = utc("2026-03-06T10:00:00+01:00")
    assert next_fire(friday_after, time(9, 30), "Europe/Berlin", WEEKDAYS) == utc("2026-03-09T09:30:00+01:00")
    assert last_fire(utc("2026-03-08T12:00:00+01:00"), time(9, 30), "Europe/Berlin", WEEKDAYS) == utc(
        "2026-03-06T09:30:00+01:00")
    assert last_fire(utc("2026-03-06T09:30:00+01:00"), time(9, 30), "Europe/Berlin", WEEKDAYS) == utc(
        "2026-03-06T09:30:00+01:00")  # due exactly now counts


def test_local_date_is_the_zones_calendar_date() -> None:
    late_utc = utc("2026-03-02T23:30:00+00:00")
    assert local_date(late_utc, "Asia/Tokyo").isoformat() == "2026-03-03"
    assert local_date(late_utc, "America/New_York").isoformat() == "2026-03-02"


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        next_fire(datetime(2026, 3, 2, 9, 0), time(9, 30), "UTC", ALL_DAYS)


ZONES = st.sampled_from(["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "UTC",
                         "America/Sao_Paulo", "Pacific/Chatham"])
DAYS = st.sets(st.integers(0, 6), min_size=1).map(lambda s: tuple(sorted(s)))


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2037, 12, 31), timezones=st.just(UTC)),
       st.times().map(lambda t: t.replace(second=0, microsecond=0)), ZONES, DAYS)
def test_last_and_next_fire_bracket_now(now: datetime, at: time, tz: str, days: tuple[int, ...]) -> None:
    before, after = last_fire(now, at, tz, days), next_fire(now, at, tz, days)
    assert before <= now < after
    assert after - before <= timedelta(days=7, hours=2)
    for fire in (before, after):
        assert local_date(fire, tz).weekday() in days
        assert next_fire(fire - timedelta(microseconds=1), at, tz, days) == fire
    assert next_fire(before, at, tz, days) == after
