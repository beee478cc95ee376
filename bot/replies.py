"""The engine's words: every neutral reply text is built here, so tone stays consistent."""

from __future__ import annotations

from bot.messages import Choice, DrillPart, FeedbackPart, ProgressPart, Reply, StreakPart
from exercises.model import Drill, Tip, Verdict
from exercises.streaks import Streak
from exercises.vocabulary import SKILL_TITLES, SKILLS

ANOTHER = Choice("Another drill", "another")
TIP = Choice("Tip", "tip")
HINT = Choice("Hint", "hint")
SKIP = Choice("Skip", "skip")

DEFAULT_INSTRUCTIONS: dict[str, str] = {
    "open_question": "Rewrite this as one open question on the same topic.",
    "reflection": "Reply with a reflection: a statement that shows you understood.",
    "complex_reflection": "Reply with a complex reflection: add the meaning, the feeling or both sides.",
    "affirmation": "Affirm a specific strength, effort or value you notice.",
    "roll_with_resistance": "Respond without arguing: reflect, emphasise their choice or reframe.",
    "develop_discrepancy": "Help them see the gap between what they value and what is happening.",
    "emphasize_autonomy": "Make it clear the choice is theirs.",
    "summary": "Offer a short summary that gathers what they said.",
    "pick_response": "Pick the most MI-consistent reply.",
    "spot_change_talk": "Is this change talk, sustain talk or neither?",
}

HELP = (
    "*OARS* helps you practise motivational interviewing in small daily reps.\n"
    "• `drill` a practice item (or `drill reflection`, `drill open_question`, `drill affirmations`…)\n"
    "• answer it in your next message and get feedback with a model answer\n"
    "• `hint` or `skip` while a drill is open\n"
    "• `tip <situation>` ideas for a tough moment, e.g. `tip client says they're fine`\n"
    "• `streak` and `progress` how your practice is going\n"
    "• `settings`, `settings tz Europe/Berlin`, `settings reminder 08:45` (or `off`)\n"
    "• `pause` / `resume` daily reminders\n"
    "• `schedule …` channel drills (managers), `schedule help` for details\n"
    "• `forget me` delete everything OARS stores about you"
)

STORE_DOWN = (
    "I can't reach my memory store right now, so I couldn't load or save anything and nothing was "
    "recorded. Please try again in a minute; I'll pick up where you left off."
)
OOPS = "Something went wrong on my side and nothing was recorded. Please try that again in a moment."


def drill_reply(drill: Drill, intro: str = "") -> Reply:
    title = SKILL_TITLES.get(drill.skill, drill.skill)
    instruction = drill.instruction or DEFAULT_INSTRUCTIONS.get(drill.kind, "")
    lines = [intro] if intro else []
    lines += [f"*Drill: {title}* ({drill.setting}, level {drill.difficulty})", instruction, f"> {drill.prompt}"]
    if drill.one_click:
        lines += [f"{i}. {o.text}" for i, o in enumerate(drill.options, start=1)]
        lines.append("Tap a choice or type its number.")
        choices = tuple(Choice(o.text, f"choice:{i}") for i, o in enumerate(drill.options))
    else:
        lines.append("Type your answer as your next message.")
        choices = (HINT, SKIP)
    part = DrillPart(drill.id, drill.kind, drill.skill, drill.prompt, instruction, drill.setting, drill.one_click)
    return Reply("\n".join(lines), choices=choices, drill=part)


def feedback_reply(verdict: Verdict, streak: Streak, retry_open: bool) -> Reply:
    head = (
        f"*Good one* ({verdict.score}/3)" if verdict.verdict == "pass" else f"*Worth another pass* ({verdict.score}/3)"
    )
    lines = [head, *(f"• {line}" for line in verdict.feedback)]
    if verdict.model_answer:
        lines.append(f"*One way to say it:* {verdict.model_answer}")
    lines.append(streak_line(streak))
    if retry_open:
        lines.append("Want another go? Reply again, or type `skip` for a new drill.")
    part = FeedbackPart(verdict.verdict, verdict.score, verdict.feedback, verdict.model_answer, verdict.codes)
    choices = (SKIP, TIP) if retry_open else (ANOTHER, TIP)
    return Reply("\n".join(lines), choices=choices, feedback=part, react="white_check_mark")


def streak_line(streak: Streak) -> str:
    days = "day" if streak.current == 1 else "days"
    return f"Streak: {streak.current} {days} (longest {streak.longest}, freezes held {streak.freezes})"


def streak_reply(streak: Streak, practised_today: bool) -> Reply:
    if streak.current == 0:
        text = "No streak running yet. One drill today starts it: type `drill`."
    else:
        days = "day" if streak.current == 1 else "days"
        today = "You've practised today." if practised_today else "One drill today keeps it going."
        text = (
            f"Your streak: *{streak.current} {days}*. Longest: {streak.longest}. "
            f"Freezes held: {streak.freezes} (each covers one missed day). {today}"
        )
    part = StreakPart(streak.current, streak.longest, streak.freezes, practised_today)
    return Reply(text, choices=(ANOTHER,), streak=part)


def progress_reply(progress: ProgressPart) -> Reply:
    if not any(n for _, _, n in progress.skills):
        return Reply("No answers yet, so no progress to show. Type `drill` to start.", choices=(ANOTHER,),
                     progress=progress)
    lines = ["*Your progress by skill*"]
    for skill, mastery, attempts in progress.skills:
        if attempts:
            bar = "█" * round(mastery * 5) + "░" * (5 - round(mastery * 5))
            lines.append(f"{bar} {SKILL_TITLES.get(skill, skill)}: {attempts} answered")
    untried = [SKILL_TITLES[s] for s, _, n in progress.skills if not n and s in SKILL_TITLES]
    if untried:
        lines.append("Not tried yet: " + ", ".join(untried))
    return Reply("\n".join(lines), choices=(ANOTHER,), progress=progress)


def tips_reply(tips: list[Tip], query_shown: str) -> Reply:
    if not tips:
        return Reply("I have no tip for that yet. Try describing the moment differently.", choices=(ANOTHER,))
    head = f"Tips for ‹{query_shown}›:" if query_shown else "A tip for today:"
    lines = [head]
    for tip in tips:
        lines.append(f"• {tip.text}")
        if tip.example:
            lines.append(f"  _e.g._ {tip.example}")
    return Reply("\n".join(lines), choices=(TIP, ANOTHER))


def skills_list() -> str:
    return ", ".join(f"`{s}`" for s in SKILLS)
