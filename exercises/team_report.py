"""Team report arithmetic: what a manager may see about how a team practises, as pure functions.

Privacy by construction: the input is per-member activity under opaque keys, the output holds only
aggregates, and every figure computed over fewer than `MIN_GROUP` members is withheld (None) and named in
`withheld`. Weeks are rolling seven-day windows ending at `now`, so a Monday-morning digest covers the
seven days before it.

Definitions (the README repeats them for managers):
- a member's drill counts once per week, at its best attempt (a revised answer adds no drill);
- skill mastery for a week: each practising member's mean score/3 on that skill's drills, then the mean
  over those members (everyone weighs the same, however much they practised);
- a channel drill counts as answered by a member who answered that drill within its thread's life
  (`THREAD_LIFE`) after it was posted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TypeVar

from exercises.vocabulary import SKILL_TITLES, SKILLS

T = TypeVar("T", int, float)
MIN_GROUP = 3
WEEK = timedelta(days=7)
THREAD_LIFE = timedelta(days=3)
STREAK_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("0", 0, 0), ("1-2", 1, 2), ("3-6", 3, 6), ("7-13", 7, 13), ("14+", 14, None),
)
WEAK_MASTERY = 0.6  # below this a skill "lags" and is worth a focus week
TOP_TOPICS = 3


@dataclass(frozen=True)
class Answer:
    """One graded answer: which drill and skill, its 0..3 score, when."""

    drill_id: str
    skill: str
    score: int
    at: datetime


@dataclass(frozen=True)
class RoleplayRun:
    """The counts of one finished role-play that the team figures need."""

    at: datetime
    reflections: int
    questions: int
    open_questions: int


@dataclass(frozen=True)
class MemberActivity:
    """One member as the report sees them: an opaque key, answers, current streak, tip topics, role-plays."""

    key: str
    answers: tuple[Answer, ...] = ()
    streak: int = 0
    tips: tuple[tuple[datetime, str], ...] = ()  # (when, topic skill) of each `tip <situation>`
    roleplays: tuple[RoleplayRun, ...] = ()


@dataclass(frozen=True)
class ChannelPost:
    """A drill posted in a channel (no personal data)."""

    channel: str
    drill_id: str
    at: datetime


@dataclass(frozen=True)
class Window:
    start: datetime  # exclusive
    end: datetime  # inclusive

    def holds(self, moment: datetime) -> bool:
        return self.start < moment <= self.end


@dataclass(frozen=True)
class SkillFigure:
    mastery: float | None
    previous: float | None


@dataclass(frozen=True)
class WeekFigure:
    start: datetime
    end: datetime
    members_active: int | None
    drills_answered: int | None


@dataclass(frozen=True)
class TeamReport:
    start: datetime
    end: datetime
    members: int | None
    members_active: int | None
    drills_answered: int | None
    channel_posts: int
    channel_share: float | None
    streaks: dict[str, int | None]
    skills: dict[str, SkillFigure]
    weeks: tuple[WeekFigure, ...]  # oldest first; the last is this week
    tip_topics: tuple[str, ...]
    focus: str
    withheld: tuple[str, ...]
    roleplay: Mapping[str, object] | None = field(default=None)

    def as_json(self) -> dict[str, object]:
        """The `oars report --json` object (a contract; see the README)."""
        return {
            "period": {"start": self.start.isoformat(), "end": self.end.isoformat()},
            "members": self.members,
            "members_active": self.members_active,
            "drills_answered": self.drills_answered,
            "channel_drills": {"posted": self.channel_posts, "answered_share": self.channel_share},
            "streaks": dict(self.streaks),
            "skills": {s: {"mastery": f.mastery, "previous": f.previous} for s, f in self.skills.items()},
            "weeks": [{"start": w.start.isoformat(), "end": w.end.isoformat(), "members_active": w.members_active,
                       "drills_answered": w.drills_answered} for w in self.weeks],
            "tip_topics": list(self.tip_topics),
            "roleplay": dict(self.roleplay) if self.roleplay is not None else None,
            "focus": self.focus,
            "withheld": list(self.withheld),
        }


def windows(now: datetime, weeks: int) -> list[Window]:
    """`weeks` rolling seven-day windows ending at `now`, oldest first."""
    return [Window(now - WEEK * (n + 1), now - WEEK * n) for n in reversed(range(max(1, weeks)))]


def best_scores(member: MemberActivity, window: Window) -> dict[str, tuple[str, int]]:
    """drill id -> (skill, best score) for the member's answers in the window: each drill counts once."""
    best: dict[str, tuple[str, int]] = {}
    for answer in member.answers:
        if window.holds(answer.at):
            score = max(0, min(3, answer.score))
            if answer.drill_id not in best or score > best[answer.drill_id][1]:
                best[answer.drill_id] = (answer.skill, score)
    return best


def shown(value: T, population: int, name: str, withheld: list[str]) -> T | None:
    """The value when `population` reaches MIN_GROUP; else None, and `name` joins `withheld`."""
    if population < MIN_GROUP:
        withheld.append(name)
        return None
    return value


def skill_mastery(members: Sequence[MemberActivity], window: Window) -> dict[str, tuple[float, int]]:
    """skill -> (team mastery 0..1, members practising it) for one window."""
    per_skill: dict[str, list[float]] = {}
    for member in members:
        scores: dict[str, list[int]] = {}
        for skill, score in best_scores(member, window).values():
            scores.setdefault(skill, []).append(score)
        for skill, values in scores.items():
            per_skill.setdefault(skill, []).append(sum(values) / (3 * len(values)))
    return {skill: (round(sum(means) / len(means), 3), len(means)) for skill, means in per_skill.items()}


def streak_distribution(streaks: Iterable[int], withheld: list[str]) -> dict[str, int | None]:
    """Members per streak bucket; buckets under MIN_GROUP withheld, plus one more when a lone withheld
    bucket could be worked out from the total (the smallest shown one)."""
    counts = {name: 0 for name, _, _ in STREAK_BUCKETS}
    for days in streaks:
        for name, low, high in STREAK_BUCKETS:
            if days >= low and (high is None or days <= high):
                counts[name] += 1
                break
    hidden = [name for name, count in counts.items() if count < MIN_GROUP]
    if len(hidden) == 1:
        visible = [name for name in counts if name not in hidden]
        if visible:
            hidden.append(min(visible, key=lambda name: (counts[name], name)))
    withheld += [f"streaks.{name}" for name in counts if name in hidden]
    return {name: (None if name in hidden else count) for name, count in counts.items()}


def answerers(members: Sequence[MemberActivity], posts: Sequence[ChannelPost]) -> list[set[str]]:
    """For each post, the keys of the members who answered its drill within the thread's life.

    One pass over each member's answers (indexed by drill), not posts x answers."""
    by_post: list[set[str]] = [set() for _ in posts]
    wanted = {post.drill_id for post in posts}
    for member in members:
        times: dict[str, list[datetime]] = {}
        for answer in member.answers:
            if answer.drill_id in wanted:
                times.setdefault(answer.drill_id, []).append(answer.at)
        if not times:
            continue
        for index, post in enumerate(posts):
            if any(post.at <= at < post.at + THREAD_LIFE for at in times.get(post.drill_id, ())):
                by_post[index].add(member.key)
    return by_post


def channel_share(members: Sequence[MemberActivity], posts: Sequence[ChannelPost], window: Window) -> float | None:
    """Answered (post, member) pairs over all possible ones this week; a channel's possible answerers are the
    members who answered any of its drills in the posts given. None when nothing was posted."""
    if not any(window.holds(post.at) for post in posts):
        return None
    answered_by = answerers(members, posts)
    team_of: dict[str, set[str]] = {}
    for post, keys in zip(posts, answered_by, strict=True):
        team_of.setdefault(post.channel, set()).update(keys)
    possible = sum(len(team_of[post.channel]) for post in posts if window.holds(post.at))
    if not possible:
        return 0.0
    done = sum(len(keys) for post, keys in zip(posts, answered_by, strict=True) if window.holds(post.at))
    return round(done / possible, 3)


def channel_team(members: Sequence[MemberActivity], posts: Sequence[ChannelPost]) -> list[MemberActivity]:
    """The members who answered at least one of these channel drills: a channel's team."""
    keys = set().union(*answerers(members, posts)) if posts else set()
    return [m for m in members if m.key in keys]


def top_topics(members: Sequence[MemberActivity], window: Window, withheld: list[str]) -> tuple[str, ...]:
    """The most asked tip topics this week, each asked by at least MIN_GROUP members."""
    askers: dict[str, set[str]] = {}
    asks: dict[str, int] = {}
    for member in members:
        for when, topic in member.tips:
            if window.holds(when):
                askers.setdefault(topic, set()).add(member.key)
                asks[topic] = asks.get(topic, 0) + 1
    kept = [t for t in askers if len(askers[t]) >= MIN_GROUP]
    if len(kept) < len(askers):
        withheld.append("tip_topics")
    return tuple(sorted(kept, key=lambda t: (-asks[t], t))[:TOP_TOPICS])


def roleplay_figures(members: Sequence[MemberActivity], window: Window, team: int,
                     withheld: list[str]) -> dict[str, object] | None:
    """Role-plays this week: how many members did one, their mean R:Q (reflections per question) and mean %
    open questions (each member's role-plays pooled first). None when nobody did a role-play this week."""
    rq: list[float] = []
    open_share: list[float] = []
    for member in members:
        runs = [run for run in member.roleplays if window.holds(run.at)]
        if not runs:
            continue
        reflections, questions = sum(r.reflections for r in runs), sum(r.questions for r in runs)
        rq.append(reflections / max(questions, 1))
        if questions:
            open_share.append(100 * sum(r.open_questions for r in runs) / questions)
    if not rq:
        return None
    return {
        "members": shown(len(rq), team, "roleplay.members", withheld),
        "rq_ratio": shown(round(sum(rq) / len(rq), 2), len(rq), "roleplay.rq_ratio", withheld),
        "pct_open": shown(round(sum(open_share) / len(open_share), 1) if open_share else 0.0, len(open_share),
                          "roleplay.pct_open", withheld),
    }


def suggest_focus(skills: Mapping[str, SkillFigure], weeks: Sequence[WeekFigure]) -> str:
    """One sentence of suggested focus, from shown figures only."""
    rated = {s: f for s, f in skills.items() if f.mastery is not None}
    if not rated:
        if weeks and weeks[-1].members_active is not None and weeks[-1].members_active == 0:
            return "Nobody practised this week: a short channel drill at a calm hour is an easy restart."
        return ("Too few people practised each skill this week to suggest a focus; "
                "a daily channel drill gives everyone the same reps.")
    weakest = min(rated, key=lambda s: (rated[s].mastery or 0.0, s))
    low = rated[weakest].mastery or 0.0
    drops = {s: (f.previous or 0.0) - (f.mastery or 0.0) for s, f in rated.items() if f.previous is not None}
    title = SKILL_TITLES.get(weakest, weakest).lower()
    if low < WEAK_MASTERY:
        return (f"Focus on {title}, the team's weakest skill this week ({low:.0%}): schedule a week of it with "
                f"`schedule daily 09:30 {weakest}`.")
    if drops and max(drops.values()) >= 0.1:
        fallen = max(drops, key=lambda s: (drops[s], s))
        name = SKILL_TITLES.get(fallen, fallen).lower()
        return f"{name.capitalize()} slipped since last week: a few {name} drills would steady it."
    if len(weeks) >= 2:
        now, before = weeks[-1].members_active, weeks[-2].members_active
        if now is not None and before is not None and now < before:
            return f"Fewer people practised than last week ({now} vs {before}): a friendly nudge may help."
    return f"A strong week: keep the rhythm, and stretch with {title} drills."


def build_report(members: Sequence[MemberActivity], now: datetime, weeks: int = 4,
                 posts: Sequence[ChannelPost] = ()) -> TeamReport:
    """The whole report for a team (already scoped, opted-out members left out) as of `now`.

    `weeks` sets the participation series (at least one week); mastery always compares the last two weeks.
    """
    last, this = windows(now, 2)
    withheld: list[str] = []
    team = len(members)
    if team < MIN_GROUP:
        withheld.append("members")
    series = []
    for span in windows(now, weeks):
        active = [m for m in members if best_scores(m, span)]
        drills = sum(len(best_scores(m, span)) for m in active)
        label = "" if span == this else f"weeks.{span.start.date().isoformat()}."
        series.append(WeekFigure(span.start, span.end, shown(len(active), team, f"{label}members_active", withheld),
                                 shown(drills, len(active), f"{label}drills_answered", withheld)))
    current, previous = skill_mastery(members, this), skill_mastery(members, last)
    skills: dict[str, SkillFigure] = {}
    for skill in SKILLS:
        value, n_now = current.get(skill, (0.0, 0))
        before, n_before = previous.get(skill, (0.0, 0))
        skills[skill] = SkillFigure(shown(value, n_now, f"skills.{skill}.mastery", withheld),
                                    shown(before, n_before, f"skills.{skill}.previous", withheld))
    if team >= MIN_GROUP:
        streaks = streak_distribution([m.streak for m in members], withheld)
    else:
        streaks = {name: None for name, _, _ in STREAK_BUCKETS}
        withheld += [f"streaks.{name}" for name in streaks]
    share = channel_share(members, posts, this)
    if share is not None:
        share = shown(share, team, "channel_drills.answered_share", withheld)
    topics = top_topics(members, this, withheld)
    roleplay = roleplay_figures(members, this, team, withheld)
    week = series[-1]
    return TeamReport(
        start=this.start, end=this.end, members=team if team >= MIN_GROUP else None,
        members_active=week.members_active, drills_answered=week.drills_answered,
        channel_posts=sum(1 for p in posts if this.holds(p.at)), channel_share=share, streaks=streaks,
        skills=skills, weeks=tuple(series), tip_topics=topics, focus=suggest_focus(skills, series),
        withheld=tuple(withheld), roleplay=roleplay,
    )
