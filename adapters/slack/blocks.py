"""Neutral replies as Block Kit, plus the App Home and schedule modal views.

Every string that reaches Slack goes through `escape` (Slack's three control characters), so no
reply can ever produce `<!channel>`, a user mention or a link, whatever the engine put in it.
"""

from __future__ import annotations

import re
from typing import Any

from bot.messages import DrillPart, FeedbackPart, ProgressPart, Reply, StreakPart
from exercises.vocabulary import SKILL_TITLES, SKILLS

Block = dict[str, Any]
SECTION_LIMIT = 3000  # Slack's limit for a section's text
BUTTON_LIMIT = 75  # Slack's limit for a button label
MAX_BUTTONS = 25
_QUOTE = re.compile(r"^&gt; ?", re.MULTILINE)

COMMON_ZONES: tuple[str, ...] = (
    "UTC", "Europe/London", "Europe/Dublin", "Europe/Lisbon", "Europe/Paris", "Europe/Berlin",
    "Europe/Madrid", "Europe/Rome", "Europe/Amsterdam", "Europe/Stockholm", "Europe/Warsaw",
    "Europe/Athens", "Europe/Helsinki", "Europe/Istanbul", "Europe/Moscow", "Africa/Lagos",
    "Africa/Johannesburg", "Africa/Nairobi", "Asia/Dubai", "Asia/Kolkata", "Asia/Singapore",
    "Asia/Shanghai", "Asia/Tokyo", "Asia/Seoul", "Australia/Perth", "Australia/Sydney",
    "Pacific/Auckland", "America/Sao_Paulo", "America/Halifax", "America/New_York",
    "America/Chicago", "America/Denver", "America/Phoenix", "America/Los_Angeles",
    "America/Anchorage", "Pacific/Honolulu",
)  # ≤ 100 options, Slack's static_select limit
WEEKDAYS: tuple[tuple[str, str], ...] = (
    ("mon", "Monday"), ("tue", "Tuesday"), ("wed", "Wednesday"), ("thu", "Thursday"),
    ("fri", "Friday"), ("sat", "Saturday"), ("sun", "Sunday"),
)
SCHEDULE_CALLBACK = "oars_schedule"


def escape(text: str) -> str:
    """Slack's escaping: `&`, `<`, `>` become entities, so markup can't be smuggled in."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mrkdwn(text: str) -> str:
    """Escaped mrkdwn that keeps the engine's `> quote` lines as quotes (a `>` never makes markup)."""
    escaped = _QUOTE.sub("> ", escape(text))
    return escaped if len(escaped) <= SECTION_LIMIT else escaped[: SECTION_LIMIT - 1] + "…"


def plain(text: str, limit: int = BUTTON_LIMIT) -> dict[str, Any]:
    """Escaped plain text within `limit` characters, cut before escaping so no entity is split."""
    text = text.strip() or "…"
    cut = len(text)
    while len(escape(text[:cut])) + (cut < len(text)) > limit:
        cut -= 1
    shown = escape(text[:cut]) + ("…" if cut < len(text) else "")
    return {"type": "plain_text", "text": shown, "emoji": True}


def section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn(text)}}


def context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": mrkdwn(text)}]}


def quote(text: str) -> str:
    """A blockquote over several lines, content escaped."""
    return "\n".join("> " + escape(line) for line in text.splitlines() or [""])


def reply_blocks(reply: Reply) -> list[Block]:
    """One reply as blocks: text, drill (highlighted, prompt quoted), feedback, then buttons."""
    if "report" in reply.extra:
        from adapters.slack.roleplay_blocks import report_blocks

        blocks = report_blocks(reply)
    elif "roleplay" in reply.extra:
        from adapters.slack.roleplay_blocks import client_turn_blocks

        blocks = client_turn_blocks(reply)
    elif reply.drill is not None:
        blocks = _drill_blocks(reply, reply.drill)
    elif reply.feedback is not None:
        blocks = _feedback_blocks(reply, reply.feedback)
    else:
        blocks = [section(reply.text)] if reply.text.strip() else []
    if reply.choices:
        buttons = [
            {"type": "button", "action_id": f"oars:{n}", "text": plain(choice.label), "value": choice.value[:2000]}
            for n, choice in enumerate(reply.choices[:MAX_BUTTONS])
        ]
        blocks.append({"type": "actions", "block_id": "oars_choices", "elements": buttons})
    return blocks


def _drill_blocks(reply: Reply, drill: DrillPart) -> list[Block]:
    lines = reply.text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("*Drill")), None)
    if start is None:  # not the shape replies.drill_reply builds: show the text as it is
        return [section(reply.text)]
    intro, heading = lines[:start], lines[start]
    rest = [line for line in lines[start + 1:] if not line.startswith("> ")]
    instruction = drill.instruction if drill.instruction and drill.instruction in rest else ""
    body = [line for line in rest if line != instruction]
    blocks: list[Block] = []
    if any(line.strip() for line in intro):
        blocks.append(section("\n".join(intro)))
    head = f"{escape(heading)}\n_{escape(instruction)}_" if instruction else escape(heading)
    blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": f":dart: {head}"[:SECTION_LIMIT]}})
    blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": quote(drill.prompt)[:SECTION_LIMIT]}})
    options = [line for line in body if line[:1].isdigit()]
    if options:
        blocks.append(section("\n".join(options)))
    others = [line for line in body if line.strip() and line not in options]
    if others:
        blocks.append(context("\n".join(others)))
    return blocks


def _feedback_blocks(reply: Reply, feedback: FeedbackPart) -> list[Block]:
    lines = reply.text.splitlines()
    head = lines[0] if lines else ""
    icon = ":white_check_mark:" if feedback.verdict == "pass" else ":arrows_counterclockwise:"
    points = "\n".join("• " + escape(item) for item in feedback.feedback)
    top = f"{icon} {escape(head)}" + (f"\n{points}" if points else "")
    blocks: list[Block] = [{"type": "section", "text": {"type": "mrkdwn", "text": top[:SECTION_LIMIT]}}]
    if feedback.model_answer:
        text = "*One way to say it:*\n" + quote(feedback.model_answer)
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": text[:SECTION_LIMIT]}})
    shown = {f"• {item}" for item in feedback.feedback}
    others = [
        line for line in lines[1:]
        if line.strip() and line not in shown and not line.startswith("*One way to say it:*")
    ]
    if others:
        blocks.append(context("\n".join(others)))
    return blocks


def fallback_text(reply: Reply) -> str:
    """The notification/accessibility text that accompanies blocks."""
    text = escape(reply.text.strip()) or "OARS"
    return text if len(text) <= 3000 else text[:2999] + "…"


# --- views ---------------------------------------------------------------------------------------
def _option(label: str, value: str) -> dict[str, Any]:
    return {"text": plain(label), "value": value}


def zone_select(action_id: str, current: str | None) -> dict[str, Any]:
    zones = list(COMMON_ZONES)
    if current and current not in zones:
        zones.insert(0, current)
    element: dict[str, Any] = {
        "type": "static_select", "action_id": action_id, "placeholder": plain("Time zone"),
        "options": [_option(z, z) for z in zones[:100]],
    }
    if current:
        element["initial_option"] = _option(current, current)
    return element


def home_view(streak: StreakPart, progress: ProgressPart, tz: str, reminder: str, paused: bool,
              roleplays: tuple[str, ...] = (), manager: bool = False) -> dict[str, Any]:
    """The App Home: streak, per-skill progress, the role-play trend, reminder and settings controls (and, for
    managers, a button for the team report)."""
    days = "day" if streak.current == 1 else "days"
    today = "Practised today :white_check_mark:" if streak.practised_today else "Not practised yet today"
    blocks: list[Block] = [
        {"type": "header", "text": plain("OARS: motivational interviewing practice", 150)},
        section(f"*Streak:* {streak.current} {days} (longest {streak.longest}, "
                f"freezes held {streak.freezes})\n{today}"),
        {"type": "actions", "block_id": "oars_home_start", "elements": [
            {"type": "button", "action_id": "oars:home:drill", "text": plain("Start a drill"),
             "value": "another", "style": "primary"},
            {"type": "button", "action_id": "oars:home:roleplay", "text": plain("Role-play"), "value": "roleplay"},
            {"type": "button", "action_id": "oars:home:tip", "text": plain("Tip"), "value": "tip"},
            *([{"type": "button", "action_id": "oars:home:report", "text": plain("Team report"), "value": "report"}]
              if manager else []),
        ]},
        {"type": "divider"},
    ]
    rows = []
    for skill, mastery, attempts in progress.skills:
        filled = round(mastery * 5)
        bar = "█" * filled + "░" * (5 - filled)
        tail = f"{attempts} answered" if attempts else "not tried yet"
        rows.append(f"`{bar}` {SKILL_TITLES.get(skill, skill)}: {tail}")
    blocks.append(section("*Progress by skill*\n" + "\n".join(rows)))
    if roleplays:
        blocks.append(section("\n".join(roleplays)))
    blocks.append({"type": "divider"})
    if reminder:
        state = "paused" if paused else "on"
        next_line = f"*Daily drill:* {reminder} ({tz}), reminders {state}"
    else:
        next_line = f"*Daily drill:* no reminder set. Pick a time below. Time zone: {tz}"
    blocks.append(section(f"{next_line}"))
    timepicker: dict[str, Any] = {"type": "timepicker", "action_id": "oars:home:reminder",
                                  "placeholder": plain("Reminder time")}
    if reminder:
        timepicker["initial_time"] = reminder
    pause = {"type": "button", "action_id": "oars:home:pause",
             "text": plain("Resume reminders" if paused else "Pause reminders"),
             "value": "resume" if paused else "pause"}
    blocks.append({"type": "actions", "block_id": "oars_home_settings",
                   "elements": [zone_select("oars:home:tz", tz), timepicker, pause]})
    blocks.append(context("Type `help` in a DM with me, or use `/oars help`, for every command."))
    return {"type": "home", "blocks": blocks}


def schedule_modal(tz: str | None, channel: str | None = None) -> dict[str, Any]:
    """The manager's channel-drill schedule form; block ids are what `parse_schedule_state` reads."""
    channel_el: dict[str, Any] = {"type": "conversations_select", "action_id": "value",
                                  "placeholder": plain("Channel"),
                                  "filter": {"include": ["public", "private"], "exclude_bot_users": True}}
    if channel:
        channel_el["initial_conversation"] = channel
    days = [_option(label, key) for key, label in WEEKDAYS]
    skills = [_option("Any skill", "any")] + [_option(SKILL_TITLES.get(s, s), s) for s in SKILLS]
    return {
        "type": "modal", "callback_id": SCHEDULE_CALLBACK,
        "title": plain("Schedule channel drills", 24), "submit": plain("Save"), "close": plain("Cancel"),
        "blocks": [
            {"type": "input", "block_id": "channel", "label": plain("Channel"), "element": channel_el},
            {"type": "input", "block_id": "time", "label": plain("Time"),
             "element": {"type": "timepicker", "action_id": "value", "initial_time": "09:00"}},
            {"type": "input", "block_id": "tz", "label": plain("Time zone"),
             "element": zone_select("value", tz or "UTC")},
            {"type": "input", "block_id": "days", "label": plain("Days"),
             "element": {"type": "checkboxes", "action_id": "value", "options": days,
                         "initial_options": days[:5]}},
            {"type": "input", "block_id": "skill", "label": plain("Skill focus"), "optional": True,
             "element": {"type": "static_select", "action_id": "value", "options": skills,
                         "initial_option": skills[0]}},
        ],
    }


def parse_schedule_state(state: dict[str, Any]) -> tuple[str | None, dict[str, str]]:
    """A submitted schedule modal as the text command `schedule daily HH:MM Zone days [skill]`,
    or None plus per-block error messages for the modal."""
    values = state.get("values", {})

    def field(block: str) -> dict[str, Any]:
        return dict(values.get(block, {}).get("value") or {})

    errors: dict[str, str] = {}
    channel = field("channel").get("selected_conversation") or ""
    time = field("time").get("selected_time") or ""
    zone = (field("tz").get("selected_option") or {}).get("value", "")
    days = [o.get("value", "") for o in field("days").get("selected_options") or []]
    skill = (field("skill").get("selected_option") or {}).get("value", "any")
    if not channel:
        errors["channel"] = "Pick the channel the drill goes to."
    if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", time):
        errors["time"] = "Pick a time of day."
    if not zone:
        errors["tz"] = "Pick a time zone."
    order = [key for key, _ in WEEKDAYS]
    days = [d for d in order if d in days]
    if not days:
        errors["days"] = "Pick at least one day."
    if errors:
        return None, errors
    text = f"schedule daily {time} {zone} {','.join(days)}"
    if skill and skill != "any" and skill in SKILLS:
        text += f" {skill}"
    return text, {}


def selected_channel(state: dict[str, Any]) -> str:
    return str(state.get("values", {}).get("channel", {}).get("value", {}).get("selected_conversation") or "")
