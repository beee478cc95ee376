"""Every sentence of the team report, digest and `opt out of reports`, in one place (like bot.replies)."""

from __future__ import annotations

from exercises.team_report import MIN_GROUP, STREAK_BUCKETS, TeamReport
from exercises.vocabulary import SKILL_TITLES

HELD = "–"
NOT_MANAGER = ("Team reports are for managers: workspace admins, the person who schedules this channel's drills, "
               "or anyone the installation lists as a manager. Your own progress is always one `progress` away.")
OPTED_OUT = ("Done: you're left out of team reports from now on, and your practice still counts for you. "
             "`opt in` puts you back.")
OPTED_IN = "Welcome back: your practice counts in team totals again (managers only ever see totals of 3 or more)."
OPT_HELP = "Type `opt out of reports` to be left out of team reports, or `opt in` to be counted again."
DIGEST_NEEDS_TIME = ("When should it arrive? For example `schedule digest mon 09:00 Europe/Berlin` "
                     "(one weekday, a time, optionally a time zone).")


def _pct(value: float | None) -> str:
    return HELD if value is None else f"{value:.0%}"


def _num(value: int | None) -> str:
    return HELD if value is None else str(value)


def scope_name(channel: str, workspace: str) -> str:
    return f"channel {channel}" if channel else f"workspace {workspace}"


def report_text(report: TeamReport, scope: str, digest: bool = False) -> str:
    """The report as Markdown-light text (the chart shows the same figures)."""
    head = "Weekly practice digest" if digest else "Team practice report"
    lines = [f"*{head}* for {scope}, {report.start:%d %b} – {report.end:%d %b %Y} (last 7 days)"]
    lines.append(f"Members active: {_num(report.members_active)} of {_num(report.members)} · "
                 f"drills answered: {_num(report.drills_answered)}")
    if report.channel_posts:
        lines.append(f"Channel drills: {report.channel_posts} posted, {_pct(report.channel_share)} answered")
    streaks = " · ".join(f"{name} days: {_num(report.streaks.get(name))}" for name, _, _ in STREAK_BUCKETS)
    lines.append(f"Streaks (members): {streaks}")
    rated = [(s, f) for s, f in report.skills.items() if f.mastery is not None or f.previous is not None]
    if rated:
        lines.append("*Skill mastery, this week (last week)*")
        for skill, figure in rated:
            lines.append(f"• {SKILL_TITLES.get(skill, skill)}: {_pct(figure.mastery)} ({_pct(figure.previous)})")
    if report.roleplay:
        people, rq, open_share = (report.roleplay.get(k) for k in ("members", "rq_ratio", "pct_open"))
        share = HELD if open_share is None else f"{open_share}%"
        lines.append(f"Role-plays: {HELD if people is None else people} members · reflections per question "
                     f"{HELD if rq is None else rq} · open questions {share}")
    if report.tip_topics:
        lines.append("Most asked tip topics: " + ", ".join(SKILL_TITLES.get(t, t) for t in report.tip_topics))
    lines.append(f"Suggested focus: {report.focus}")
    lines.append(f"_Figures about fewer than {MIN_GROUP} people are held back ({HELD}); "
                 "nobody's own answers or scores are ever shown._")
    return "\n".join(lines)


def chart_title(scope: str) -> str:
    return f"Team practice, {scope}"
