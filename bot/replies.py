"""The engine's words: every neutral reply text is built here, so tone stays consistent."""

from __future__ import annotations

from bot.commands import Command
from bot.messages import Choice, DrillPart, FeedbackPart, ProgressPart, Reply, StreakPart
from bot.text import defuse_mentions
from exercises.model import Drill, Tip, Verdict
from exercises.streaks import Streak, StreakNews
from exercises.vocabulary import SKILL_TITLES, SKILLS

ANOTHER = Choice("Another drill", "another")
TIP = Choice("Tip", "tip")
HINT = Choice("Hint", "hint")
SKIP = Choice("Skip", "skip")
ROLEPLAY = Choice("Role-play", "roleplay")

# A nudge for drills whose catalogue entry has no hint of its own (distinct from the instruction).
DEFAULT_HINTS: dict[str, str] = {
    "open_question": "Start with What or How, and ask about the same thing as the original question.",
    "reflection": "Say back the heart of what they said, as a statement: 'You're…', 'It sounds like…'.",
    "complex_reflection": "Go one step past their words: the feeling underneath, what it means, or both sides.",
    "affirmation": "Name something specific they did or value, in a 'You…' sentence, not 'I'm proud'.",
    "roll_with_resistance": "Don't argue back. Reflect their view, or make clear the choice is theirs.",
    "develop_discrepancy": "Put what they care about next to what is happening, and let them draw the line.",
    "emphasize_autonomy": "Say plainly that it's their call, without a hidden 'but'.",
    "summary": "Gather two or three things they said, lead with their own reasons, and invite a correction.",
    "pick_response": "Look for the reply that shows you heard them and leaves the next step with them.",
    "spot_change_talk": "Change talk leans towards change (want, can, reason, need, will); sustain talk leans away.",
}


HELP = (
    "*OARS* helps you practise motivational interviewing in small daily reps.\n"
    "• `drill` a practice item (or `drill reflection`, `drill open_question`, `drill affirmations`…)\n"
    "• answer it in your next message and get feedback with a model answer\n"
    "• `hint` or `skip` while a drill is open (`quit` puts it away; other commands leave it open)\n"
    "• `tip <situation>` ideas for a tough moment, e.g. `tip client says they're fine`\n"
    "• `roleplay` practise a whole conversation with a simulated client, then get a session report\n"
    "• `streak` and `progress` how your practice is going\n"
    "• `settings`, `settings tz Europe/Berlin`, `settings reminder 08:45` (or `off`)\n"
    "• `pause` / `resume` daily reminders\n"
    "• `schedule …` channel drills (managers), `schedule help` for details\n"
    "• `report` how the team practises, totals only (managers); `opt out of reports` / `opt in` for yourself\n"
    "• `forget me` delete everything OARS stores about you"
)

STORE_DOWN = (
    "I can't reach my memory store right now, so I couldn't load or save anything and nothing was "
    "recorded. Please try again in a minute; I'll pick up where you left off."
)
SAVE_UNCONFIRMED = (
    "I lost touch with my memory store while saving your answer, so I can't tell whether it was counted. "
    "Type `streak` in a minute to check; if it wasn't, send it again."
)
SAVED_WITHOUT_FEEDBACK = (
    "Your answer was saved, but something went wrong before I could show the feedback. "
    "Type `streak` or `progress` to see where you stand."
)
GRADER_BUSY = (
    "I'm grading a lot of answers right now and couldn't get to yours. Please send it again in a moment: "
    "your drill is still open and nothing was counted yet."
)
BUSY = ("I'm answering a lot of messages right now and couldn't get to yours. Please send it again in a moment: "
        "nothing was recorded.")
OOPS = "Something went wrong on my side and nothing was recorded. Please try that again in a moment."


CONSOLE_SCHEDULE = (
    "Channel schedules post drills into Slack or Teams channels, so they don't run in the console. "
    "Here you can `drill`, `tip`, `streak` and `progress` as much as you like. "
    "To manage channel schedules from a shell, use `oars schedule add|list|remove` (see `oars schedule --help`); "
    "the weekly digest's team report is `report` here or `oars report` in a shell."
)
STILL_OPEN = "_Your drill is still open: answer it whenever you're ready, or type `skip`._"
REPLACED = "Here's a fresh one. I put the open drill away without grading it."
AS_ANSWER = "as-answer:"
AS_COMMAND = "as-command:"
CHOOSE_ONE = "Choose one: tap it or type its number."


_OPENERS = {"thanks": "You're welcome!", "greeting": "Hi!", "stuck": "No problem: that's what hints are for.",
            "other": "Okay."}


def small_talk_reply(drill_open: bool, said: str = "other") -> Reply:
    """'thanks', 'ok', 'hi', 'idk': a friendly word that fits what was said (small_talk_kind), never graded."""
    opener = _OPENERS.get(said, _OPENERS["other"])
    if drill_open:
        if said == "stuck":
            return Reply(f"{opener} Type `hint` for a nudge, or `skip` for a different drill. Nothing was counted; "
                         "the drill is still open.", choices=(HINT, SKIP))
        return Reply(f"{opener} Your drill is still open: reply with your answer when you're ready, "
                     "or type `hint` or `skip`.", choices=(HINT, SKIP))
    if said == "thanks":
        return Reply("Happy to help. Type `drill` whenever you want a practice item, or `tip <situation>` for "
                     "ideas.", choices=(ANOTHER, TIP))
    return Reply(f"{opener} Type `drill` whenever you want a practice item, or `tip <situation>` for ideas.",
                 choices=(ANOTHER, TIP))


def nothing_to_grade(shown: str) -> str:
    """An answer the grader found nothing in ('asdf', 'menu'): said kindly, and it costs nothing."""
    return (f"I couldn't find an answer to grade in ‹{shown}›. Write what you would say to them, in a sentence or "
            "two (or type `hint` for a nudge). No attempt used; the drill is still open.")


def leave_reply(drill_was_open: bool) -> Reply:
    if drill_was_open:
        return Reply("Okay, stopping here. I put that drill away without grading it; nothing was counted. "
                     "Type `drill` whenever you want to pick up again.", choices=(ANOTHER,))
    return Reply("Okay, see you next time. Type `drill` whenever you want to practise.", choices=(ANOTHER,))


def answer_or_command(text: str, command: Command) -> Reply:
    """One line and two buttons for a message that could be the answer or a command."""
    word = f"`{command.name}`"
    return Reply(
        f"Answer or command? Should I grade that as your answer, or run {word}?",
        choices=(Choice("Grade it as my answer", AS_ANSWER + text),
                 Choice(f"Run {command.name}", AS_COMMAND + text)),
    )


def hints_for(drill: Drill) -> tuple[str, ...]:
    """The drill's own hints, then the kind's general nudge, then the opening of a model answer."""
    hints = list(drill.hints)
    general = DEFAULT_HINTS.get(drill.kind, "")
    if general and general not in hints:
        hints.append(general)
    if drill.model_answers and not drill.one_click:
        words = drill.model_answers[0].split()
        opening = " ".join(words[: max(3, len(words) // 3)])
        hints.append(f"One way to start: \u201c{opening}…\u201d")
    return tuple(hints)


def hint_reply(hints: tuple[str, ...], shown: int) -> Reply:
    """Hint number `shown`+1; after the last one, say there are no more rather than repeating."""
    if not hints:
        return Reply("I have no hint for this one. Give it your best try, or type `skip`.", choices=(SKIP,))
    if shown >= len(hints):
        return Reply(f"That was my last hint. Here it is again: {hints[-1]}\nGive it a go, or type `skip`.",
                     choices=(SKIP,))
    more = f" ({shown + 1} of {len(hints)}; `hint` again for the next)" if shown + 1 < len(hints) else \
        f" ({shown + 1} of {len(hints)}, the last)"
    return Reply(f"Hint{more}: {hints[shown]}", choices=(HINT, SKIP) if shown + 1 < len(hints) else (SKIP,))


def drill_reply(drill: Drill, intro: str = "") -> Reply:
    title = SKILL_TITLES.get(drill.skill, drill.skill)
    asks_itself = drill.one_click and drill.prompt.rstrip().endswith("?")
    instruction = "" if asks_itself else drill.instruction
    lines = [intro] if intro else []
    lines.append(f"*Drill: {title}* ({drill.setting}, level {drill.difficulty})")
    lines += [instruction] if instruction else []
    lines.append(f"> {drill.prompt}")
    if drill.one_click:
        lines += [f"{i}. {o.text}" for i, o in enumerate(drill.options, start=1)]
        lines.append(CHOOSE_ONE)
        choices = tuple(Choice(o.text, f"choice:{i}") for i, o in enumerate(drill.options))
    else:
        lines.append("Type your answer as your next message.")
        choices = (HINT, SKIP)
    part = DrillPart(drill.id, drill.kind, drill.skill, drill.prompt, drill.instruction, drill.setting, drill.one_click)
    return Reply("\n".join(lines), choices=choices, drill=part)


def feedback_reply(verdict: Verdict, streak: Streak, news: StreakNews | None, retry_open: bool,
                   one_click: bool = False, practised_today: bool = True) -> Reply:
    """Feedback, a model answer, and a streak line only when this answer moved the streak."""
    if verdict.verdict == "pass":
        head = "*Right choice*" if one_click else f"*Good one* ({verdict.score}/3)"
    else:
        head = "*Not this one*" if one_click else f"*Worth another pass* ({verdict.score}/3)"
    feedback = tuple(defuse_mentions(line) for line in verdict.feedback)  # lines quote the member's words
    lines = [head, *(f"• {line}" for line in feedback)]
    if verdict.model_answer:
        lines.append(f"*One way to say it:* {verdict.model_answer}")
    said = streak_news_line(streak, news) if news is not None else ""
    if said:
        lines.append(said)
    if retry_open:
        lines.append("Want another go? Reply again, or type `skip` for a new drill.")
    part = FeedbackPart(verdict.verdict, verdict.score, feedback, verdict.model_answer, verdict.codes)
    choices = (SKIP, TIP) if retry_open else (ANOTHER, TIP)
    return Reply("\n".join(lines), choices=choices, feedback=part, react="white_check_mark",
                 streak=StreakPart(streak.current, streak.longest, streak.freezes, practised_today))


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def streak_news_line(streak: Streak, news: StreakNews) -> str:
    """One line on what this answer did to the streak; empty when it was not the first of the day."""
    if news.same_day:
        return ""
    if news.started:
        return "Streak: day 1, just started. One drill tomorrow makes it 2."
    if news.ended:
        return (f"Streak: day 1 of a new one. Your {news.ended}-day streak had lapsed; "
                f"longest so far {_days(streak.longest)}.")
    parts = [f"Streak: {_days(streak.current)}."]
    if news.freezes_used:
        missed = "the day you missed" if news.freezes_used == 1 else f"the {news.freezes_used} days you missed"
        parts.append(f"A freeze covered {missed}; freezes left: {streak.freezes}.")
    if news.freeze_earned:
        parts.append(f"You earned a freeze (it covers one missed day); you hold {streak.freezes}.")
    if news.new_best:
        parts.append("That's your longest yet.")
    return " ".join(parts)


def streak_reply(streak: Streak, practised_today: bool, stored: Streak | None = None, missed: int = 0) -> Reply:
    """`streak`: where it stands today (`stored`: as last saved, to tell a lapse or a freeze covering missed days)."""
    stored = stored or streak
    if streak.current == 0 and stored.current == 0:
        text = "No streak yet. One drill today starts it: type `drill`."
    elif streak.current == 0:
        last = stored.last_day.strftime("%a %d %b") if stored.last_day else "a while ago"
        text = (f"Your {stored.current}-day streak ended: your last drill was on {last}, and the "
                f"{_days(missed)} missed since were more than your freezes could cover. "
                f"Longest so far: {_days(streak.longest)}. One drill today starts a new streak: type `drill`.")
    else:
        today = "You've practised today." if practised_today else "One drill today keeps it going."
        covered = ""
        if missed:
            covered = (f" You missed {_days(missed)}; {'a freeze is' if missed == 1 else f'{missed} freezes are'} "
                       "covering it.")
        text = (f"Your streak: *{_days(streak.current)}*. Longest: {_days(streak.longest)}. "
                f"Freezes held: {streak.freezes} (each covers one missed day).{covered} {today}")
    part = StreakPart(streak.current, streak.longest, streak.freezes, practised_today)
    return Reply(text, choices=(ANOTHER,), streak=part)


def progress_reply(progress: ProgressPart) -> Reply:
    if not any(n for _, _, n in progress.skills):
        return Reply("No answers yet, so no progress to show. Type `drill` to start.", choices=(ANOTHER,),
                     progress=progress)
    lines = ["*Your progress by skill* (bar: mastery, which builds up over several good answers, recent ones "
             "counting most; █ = 20%; then drills answered)"]
    for skill, mastery, drills in progress.skills:
        if drills:
            bar = "█" * round(mastery * 5) + "░" * (5 - round(mastery * 5))
            lines.append(f"{bar} {SKILL_TITLES.get(skill, skill)}: {drills} {'drill' if drills == 1 else 'drills'}")
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


def no_tip_reply(query_shown: str, closest_skills: tuple[str, ...]) -> Reply:
    """Nothing in the catalogue fits: say so instead of dressing up unrelated tips as a match."""
    head = (f"I don't have a tip that fits ‹{query_shown}›." if query_shown else "I didn't catch a situation there.")
    lines = [head + " Tips work best when you describe a moment in a conversation, e.g. "
                    "`tip client says they're fine and doesn't want to talk`."]
    if closest_skills:
        titles = ", ".join(SKILL_TITLES.get(s, s) for s in closest_skills)
        lines.append(f"The closest skills I can help you practise: {titles}.")
    choices = tuple(Choice(f"Drill: {SKILL_TITLES.get(s, s)}", f"drill:{s}") for s in closest_skills[:2])
    return Reply("\n".join(lines), choices=(*choices, TIP))


def tip_in_english_reply(query_shown: str) -> Reply:
    """A situation written in another language: the tips are English, so say that rather than guess."""
    return Reply(f"Tips are in English for now, and I couldn't read ‹{query_shown}› as English. Describe the moment "
                 "in English, e.g. `tip client says they're fine and doesn't want to talk`.", choices=(TIP,))


def skills_list() -> str:
    return ", ".join(f"`{s}`" for s in SKILLS)
