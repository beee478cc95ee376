"""Every sentence of a role-play: intro, client turns, the report as text, the progress trend.

Structured copies ride in `Reply.extra` for the adapters and `oars chat --json`: `roleplay` (one client
turn: case, turn, client_talk, discord), `report` (the exact counts and globals of issue #14) and
`report_view` (titles, levels, quotes) for Block Kit and Adaptive Cards; `thread_root` marks the intro,
under which Slack threads the session, and `thread` names that thread once known.
"""

from __future__ import annotations

from typing import Any

from bot.messages import Choice, Reply
from bot.text import quote_user_text
from exercises.roleplay import FAIR_GOOD, MAX_TURNS, Case, Redo, Report, Session, Turn, find_cases

END = Choice("End and get my report", "roleplay:end")
AGAIN = Choice("Another role-play", "roleplay")
DRILL = Choice("Drill", "another")
GLOBAL_TITLES = {
    "cultivating_change_talk": "Cultivating change talk", "softening_sustain_talk": "Softening sustain talk",
    "partnership": "Partnership", "empathy": "Empathy",
}
DRILL_PUT_AWAY = "I put your open drill away without grading it; nothing was counted."
HELP = (
    "You're in a role-play. Answer the client as you would in a real conversation: reflect, ask open "
    "questions, affirm, and ask before you advise. `end` finishes and shows your report; `coach on` or "
    "`coach off` turns a one-line nudge after an unhelpful move on or off."
)

HOW = (
    "*How the simulated client reacts*\n"
    "Each of your turns is coded by the MI coder and moves the three numbers shown under every client line:\n"
    "• *engagement* (0-4) rises with reflections, open questions, affirmations and autonomy support; unasked "
    "advice, arguing and closed questions in a row lower it.\n"
    "• *discord* (0-3) rises with unasked advice, closed questions in a row and arguing (by two); reflections, "
    "affirmations and autonomy support soften it.\n"
    "• *readiness* (0-4) rises with complex reflections, autonomy support and information you asked permission "
    "for; arguing and unasked advice lower it.\n"
    "The client tells you something new when you ask an open question or reflect with depth while there's no "
    "discord; otherwise it gives change talk more often the readier and calmer it is, and sustain talk or "
    "pushback after a non-adherent move. Asking permission before advice is honoured. Say the same thing again "
    "and the client notices: nothing new, and a little less engagement. The same words with the "
    "same seed always give the same client."
)


def _turn_part(case: Case, number: int, talk: str, discord: bool) -> dict[str, Any]:
    return {"case": case.id, "turn": number, "client_talk": talk, "discord": discord}


def state_line(session: Session) -> str:
    """The client's state after the latest turn (as recorded with that turn, so a replay shows the same)."""
    if session.turns:
        last = session.turns[-1]
        engagement, discord, readiness = last.engagement, last.discord_level, last.readiness
    else:
        engagement, discord, readiness = session.state.engagement, session.state.discord, session.state.readiness
    return (f"_turn {len(session.turns)} of {MAX_TURNS} · engagement {engagement}/4 · "
            f"discord {discord}/3 · readiness {readiness}/4_")


def _lower_article(role: str) -> str:
    """"The practice nurse…" reads "You are the practice nurse…"; a name ("Sam's team lead") keeps its capital."""
    first, _, rest = role.partition(" ")
    return f"{first.lower()} {rest}" if first in {"A", "An", "The", "Your"} else role


def intro_reply(case: Case, session: Session, coach: bool) -> Reply:
    lines = [
        f"*Role-play: {case.title}* ({case.setting})",
        f"You are {_lower_article(case.you_are)}",
        f"{case.persona}",
        "Use your MI skills: reflect, ask open questions, affirm, ask before you advise. Type `end` when "
        f"you're done; it closes by itself after {MAX_TURNS} of your turns. "
        + ("Coach nudges are on." if coach else "Type `coach on` for a nudge after an unhelpful move.")
        + " `roleplay how` explains how the client reacts.",
        f"_Replay this exact client with `roleplay {case.id} seed {session.seed}`._",
        f"> *{case.client}:* {session.opening}",
    ]
    return Reply("\n".join(lines), choices=(END,),
                 extra={"roleplay": _turn_part(case, 0, "neutral", False), "thread_root": True})


def client_reply(case: Case, session: Session, thread: str) -> Reply:
    turn = session.turns[-1]
    text = f"> *{case.client}:* {turn.client}\n{state_line(session)}"
    extra: dict[str, Any] = {"roleplay": _turn_part(case, len(session.turns), turn.talk, turn.discord)}
    if thread:
        extra["thread"] = thread
    return Reply(text, choices=() if session.finished else (END,), extra=extra)


def nudge_reply(turn: Turn, case: Case, thread: str) -> Reply | None:
    """`coach on`: one line after an MI non-adherent move."""
    if not turn.non_adherent:
        return None
    what = "arguing for change" if turn.code == "confront" else "advice without permission"
    text = (f"_Coach: that was {what}, and {case.client} pushed back. Try a reflection, or ask first: "
            f"\"{case.better['permission']}\"_")
    return Reply(text, extra={"thread": thread} if thread else {})


def _level(report: Report, measure: str) -> str:
    return report.level(measure)


def _try(redo: Redo, client: str) -> dict[str, str]:
    """The case's better line, or, when it leans on something this member never heard, the client's own words
    to try the move on."""
    if redo.suggestion:
        return {"try": "Try:", "suggestion": redo.suggestion}
    return {"try": f"Try it on what {client} had just said:", "suggestion": redo.before}


def report_view(report: Report, case: Case, closing: str) -> dict[str, Any]:
    """What cards and blocks show besides the contract numbers (member quotes already made safe)."""
    return {
        "case": case.id, "title": case.title, "client": case.client, "closing": closing, "turns": report.turns,
        "levels": {m: _level(report, m) for m in FAIR_GOOD},
        "thresholds": {m: list(v) for m, v in FAIR_GOOD.items()},
        "facts_found": report.facts_found, "facts_total": report.facts_total,
        "readiness": [report.readiness_start, report.readiness_end], "discord_turns": report.discord_turns,
        "persuade_with_permission": report.persuade_with_permission,
        "best": [{"turn": m.turn, "member": quote_user_text(m.member, 200), "client": m.client, "why": m.why}
                 for m in report.best],
        "redo": None if report.redo is None else {
            "turn": report.redo.turn, "member": quote_user_text(report.redo.member, 200),
            "why": report.redo.why, **_try(report.redo, case.client)},
    }


def report_text(report: Report, view: dict[str, Any]) -> str:
    levels = view["levels"]
    g = report.globals
    lines = [
        f"*Role-play report: {view['title']}* ({report.turns} turn{'s' if report.turns != 1 else ''})",
        f"{view['client']} wraps up: \"{view['closing']}\"",
        f"*Questions:* {report.open_questions} open, {report.closed_questions} closed "
        f"({report.pct_open:g}% open: {levels['pct_open']})",
        f"*Reflections:* {report.simple_reflections} simple, {report.complex_reflections} complex "
        f"(R:Q {report.rq_ratio:g}: {levels['rq_ratio']}; {report.pct_complex:g}% complex: {levels['pct_complex']})",
        f"*Affirmations:* {report.affirmations} · *MI-adherent:* {report.mi_adherent} · "
        f"*MI non-adherent:* {report.mi_non_adherent}",
        f"*Client talk drawn:* {report.change_talk} change, {report.sustain_talk} sustain; "
        f"discord in {report.discord_turns} turn{'s' if report.discord_turns != 1 else ''}",
        f"You drew out {report.facts_found} of {report.facts_total} things {view['client']} hadn't said at first. "
        f"Readiness {report.readiness_start} → {report.readiness_end} (of 4).",
        "*Estimated MITI globals (1-5):* " + " · ".join(
            f"{GLOBAL_TITLES[m]} {g[m]:g} ({levels[m]})" for m in GLOBAL_TITLES),
    ]
    if view["best"]:
        lines.append("*Best moments*")
        lines += [f"• Turn {m['turn']}: ‹{m['member']}› → {view['client']}: \"{m['client']}\" {m['why']}"
                  for m in view["best"]]
    redo = view["redo"]
    if redo:
        lines.append(f"*One to redo* (turn {redo['turn']}): ‹{redo['member']}›")
        lines.append(f"{redo['why']} {redo.get('try', 'Try:')} \"{redo['suggestion']}\"")
    lines.append("_Thresholds (fair/good): R:Q 1:1/2:1, complex reflections 40%/50%, open questions 50%/70%, "
                 "globals 3.5/4. Globals are estimates from the coded turns._")
    return "\n".join(lines)


def report_reply(report: Report, case: Case, closing: str, thread: str) -> Reply:
    view = report_view(report, case, closing)
    extra: dict[str, Any] = {"report": report.contract(), "report_view": view}
    if thread:
        extra["thread"] = thread
    return Reply(report_text(report, view), choices=(AGAIN, DRILL), extra=extra)


def trend_lines(history: list[dict[str, Any]]) -> list[str]:
    """`progress`: how the last role-plays went, oldest first."""
    if not history:
        return ["*Role-plays:* none yet. Type `roleplay` to practise a whole conversation."]
    recent = list(reversed(history[:5]))

    def series(key: str, fmt: str = "{:g}") -> str:
        return " → ".join(fmt.format(item[key]) for item in recent)

    return [
        f"*Role-plays:* {len(history)} played (last {len(recent)}, oldest first)",
        f"R:Q {series('rq_ratio')} · complex reflections {series('pct_complex', '{:g}%')}",
        "Change:sustain talk " + " → ".join(f"{i['change_talk']}:{i['sustain_talk']}" for i in recent),
        f"Empathy {series('empathy')} · partnership {series('partnership')}",
    ]


def cases_list(cases: list[Case]) -> str:
    return "\n".join(f"• `{c.id}`: {c.title} ({c.setting})" for c in cases)


# --- the weekly role-play of a channel (bot.weekly_roleplay) -------------------------------------------------
HOW_CHOICE = Choice("How the client reacts", "roleplay:how")
JOIN = Choice("Count me in", "roleplay:join")


def focus_words(focus: str) -> str:
    """' about <case title>' for one case, ' (focus: <words>)' for a setting or skill, '' for any case."""
    if not focus:
        return ""
    found = find_cases(focus) or []
    if len(found) == 1:
        return f" about {quote_user_text(found[0].title, 80)}"
    return f" (focus: {quote_user_text(focus, 40)})"


def weekly_channel_reply(focus: str) -> Reply:
    """The channel's post: an invitation, not a summons; its button puts someone not yet invited on the list."""
    command = f"roleplay {quote_user_text(focus, 40)}" if focus else "roleplay"
    return Reply(
        f"*This week's role-play*{focus_words(focus)}\n"
        "Time for our weekly practice conversation: you play the practitioner, I play a client who is in two minds "
        "about a change. It takes about ten minutes, whenever suits you this week. Those of you who practise here "
        "have a one-click start waiting in your DM with me. Anyone else: *Count me in* brings yours (and one every "
        f"week), or DM me `{command}` to play right away.\n"
        "One thing to try: reflect before you ask, and see what the client tells you. Your report is yours alone; "
        "team reports show only totals.", choices=(JOIN,))


def weekly_invite_reply(focus: str) -> Reply:
    """One member's DM: the one-click start (the session opens only when they choose to play)."""
    start_action = f"roleplay:{focus}" if focus else "roleplay"
    return Reply(
        f"*Your weekly role-play is ready*{focus_words(focus)}\n"
        "You play the practitioner; the client is in two minds about a change. Aim for more reflections than "
        "questions, ask before you advise, and notice when change talk appears. About ten minutes; type `end` "
        "at any point for your MITI-style report, which only you see.\n"
        "Not this week? Just leave it. `pause` stops these invitations and your reminders.",
        choices=(Choice("Start the role-play", start_action), HOW_CHOICE))
