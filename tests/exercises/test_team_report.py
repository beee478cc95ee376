"""The report arithmetic on small hand-made teams: counting once, withholding, streak cells, focus."""

from __future__ import annotations

from datetime import datetime, timedelta

from exercises.team_report import (
    Answer,
    ChannelPost,
    MemberActivity,
    SkillFigure,
    WeekFigure,
    build_report,
    channel_share,
    streak_distribution,
    suggest_focus,
    windows,
)

NOW = datetime.fromisoformat("2026-03-02T09:00:00+01:00")
DAY = timedelta(days=1)


def member(key: str, *answers: tuple[str, str, int, float], streak: int = 0) -> MemberActivity:
    """answers: (drill id, skill, score, days before NOW)."""
    return MemberActivity(key, tuple(Answer(d, s, score, NOW - ago * DAY) for d, s, score, ago in answers), streak)


def test_windows_are_rolling_weeks_ending_now() -> None:
    spans = windows(NOW, 3)
    assert [s.end for s in spans] == [NOW - 14 * DAY, NOW - 7 * DAY, NOW]
    assert spans[-1].holds(NOW) and not spans[-1].holds(NOW - 7 * DAY) and spans[-2].holds(NOW - 7 * DAY)


def test_a_drill_counts_once_at_its_best_attempt() -> None:
    team = [member(f"m{n}", ("d1", "open_questions", 1, 2), ("d1", "open_questions", 3, 1.9),
                   ("d1", "open_questions", 2, 1.8)) for n in range(3)]
    report = build_report(team, NOW)
    assert (report.members_active, report.drills_answered) == (3, 3)
    assert report.skills["open_questions"] == SkillFigure(1.0, None)


def test_each_member_weighs_the_same_in_mastery() -> None:
    keen = member("keen", *[(f"d{n}", "summaries", 3, 1) for n in range(10)])
    others = [member(f"m{n}", ("x", "summaries", 0, 1)) for n in range(2)]
    assert build_report([keen, *others], NOW).skills["summaries"].mastery == 0.333


def test_small_groups_are_withheld_and_named() -> None:
    team = [member("a", ("d1", "curiosity", 3, 1)), member("b", ("d2", "affirmations", 3, 1)),
            member("c", ("d3", "affirmations", 3, 1)), member("d")]
    report = build_report(team, NOW)
    assert report.members_active == 3 and report.drills_answered == 3
    assert report.skills["curiosity"].mastery is None and "skills.curiosity.mastery" in report.withheld
    assert report.skills["affirmations"].mastery is None  # two people
    pair = build_report(team[:2], NOW)
    assert pair.members is None and pair.members_active is None and pair.drills_answered is None
    assert {"members", "members_active", "drills_answered"} <= set(pair.withheld)


def test_quiet_week_withholds_drills_but_not_the_active_count() -> None:
    team = [member("a", ("d1", "curiosity", 3, 1)), member("b", ("d1", "curiosity", 3, 1)), member("c"), member("d")]
    report = build_report(team, NOW)
    assert report.members_active == 2 and report.drills_answered is None and "drills_answered" in report.withheld


def test_a_lone_withheld_streak_cell_takes_another_with_it() -> None:
    withheld: list[str] = []
    cells = streak_distribution([0, 0, 0, 1, 1, 1, 4, 4, 4, 8, 8, 8, 20], withheld)
    assert cells == {"0": None, "1-2": 3, "3-6": 3, "7-13": 3, "14+": None}  # 14+ can't be total minus the rest
    assert withheld == ["streaks.0", "streaks.14+"]
    assert streak_distribution([1, 1, 1, 2, 2, 2], []) == {"0": None, "1-2": 6, "3-6": None, "7-13": None,
                                                           "14+": None}


def test_channel_share_counts_answers_within_the_thread_life() -> None:
    posts = [ChannelPost("C1", "d1", NOW - 10 * DAY), ChannelPost("C1", "d2", NOW - 2 * DAY)]
    team = [member("a", ("d1", "curiosity", 3, 9.5), ("d2", "curiosity", 3, 1.5)),
            member("b", ("d1", "curiosity", 3, 9.5)),
            member("c", ("d2", "curiosity", 3, -1.5))]  # 3.5 days after the post: not an answer to it
    assert channel_share(team, posts, windows(NOW, 1)[0]) == 0.5  # a answered d2, b did not: 1 of 2
    assert channel_share(team, [], windows(NOW, 1)[0]) is None


def test_focus_names_the_lagging_skill_then_a_slip_then_participation() -> None:
    lag = {"simple_reflections": SkillFigure(0.42, 0.5), "open_questions": SkillFigure(0.8, 0.8)}
    assert suggest_focus(lag, []).startswith("Focus on simple reflections, the team's weakest skill this week (42%)")
    slip = {"open_questions": SkillFigure(0.7, 0.9), "summaries": SkillFigure(0.75, 0.75)}
    assert "Open questions slipped" in suggest_focus(slip, [])
    steady = {"open_questions": SkillFigure(0.8, 0.8)}
    weeks = [WeekFigure(NOW, NOW, 9, 20), WeekFigure(NOW, NOW, 5, 12)]
    assert "Fewer people practised than last week (5 vs 9)" in suggest_focus(steady, weeks)
    assert "Too few people" in suggest_focus({}, weeks)


def test_json_has_the_contract_keys() -> None:
    body = build_report([member(f"m{n}", ("d1", "curiosity", 2, 1)) for n in range(4)], NOW).as_json()
    assert {"members_active", "drills_answered", "skills", "withheld"} <= set(body)
    assert body["skills"]["curiosity"] == {"mastery": 0.667, "previous": None}
