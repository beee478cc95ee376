"""Adaptive Cards (schema 1.4) for the neutral reply parts, built as plain JSON dictionaries.

No botbuilder types here: `render.py` wraps these in an attachment. Text from the catalogue or from
people is escaped for the TextBlock Markdown subset; the engine's own Markdown-light text
(`*bold*`, `_italic_`) is converted to CommonMark (`**bold**`).
"""

from __future__ import annotations

import re
from typing import Any

from bot.messages import Choice, Reply
from exercises.vocabulary import SKILL_TITLES

CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
VERSION = "1.4"
ANSWER_INPUT = "answer"  # the Input.Text id; its value arrives as activity.value["answer"]
MAX_ANSWER_CHARS = 2000
_BOLD = re.compile(r"(?<![*\w])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![*\w])")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")
_QUOTED = re.compile(r"‹.*›")  # greedy: user text may itself contain › (from ">")
_LIST_START = re.compile(r"^(\s*)([-+]|\d+[.)])(\s)")

Json = dict[str, Any]


def escape_md(text: str) -> str:
    """Make catalogue or user text literal in a Markdown TextBlock: no links, emphasis or lists."""
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return _LIST_START.sub(r"\1\\\2\3", text)


def engine_md(text: str) -> str:
    """The engine's `*bold*` is Slack-style; CommonMark (Teams, Adaptive Cards) wants `**bold**`. What a
    person typed reaches engine text only quoted (‹…›, see bot.text): escaped, so it never becomes a link."""
    text = _QUOTED.sub(lambda quoted: escape_md(quoted.group(0)), text)
    return _BOLD.sub(r"**\1**", text)


def text_block(text: str, **props: Any) -> Json:
    return {"type": "TextBlock", "text": text, "wrap": True, **props}


def card(body: list[Json], actions: list[Json] | None = None, summary: str = "") -> Json:
    content: Json = {"type": "AdaptiveCard", "$schema": SCHEMA, "version": VERSION, "body": body}
    if actions:
        content["actions"] = actions
    if summary:
        content["fallbackText"] = summary
    return content


def submit(title: str, data: Json) -> Json:
    return {"type": "Action.Submit", "title": title, "data": data}


def choice_actions(choices: tuple[Choice, ...] | list[Choice]) -> list[Json]:
    """Buttons: the neutral Choice.value comes back as the submit's `action`."""
    return [submit(short(c.label, 40), {"action": c.value}) for c in choices]


def short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def text_body(text: str) -> list[Json]:
    """Engine text line by line: `> quote` lines become an emphasis container."""
    body: list[Json] = []
    for line in text.split("\n"):
        if not line.strip():
            continue
        if line.startswith("> "):
            body.append(_quote(line[2:], markdown=True))
        else:
            body.append(text_block(engine_md(line), spacing="Small"))
    return body


def _quote(text: str, markdown: bool = False) -> Json:
    return {
        "type": "Container",
        "style": "emphasis",
        "items": [text_block(engine_md(text) if markdown else escape_md(text), size="Medium")],
    }


def _intro_lines(text: str, marker: str) -> list[str]:
    """Lines the engine put before a structured part (e.g. "Your daily drill is here.")."""
    lines: list[str] = []
    for line in text.split("\n"):
        if line.startswith(marker):
            break
        lines.append(line)
    else:
        return []
    return [line for line in lines if line.strip()]


def drill_card(reply: Reply) -> Json:
    """Prompt and instruction; one Submit per option for one-click kinds, else an answer box."""
    drill = reply.drill
    assert drill is not None
    title = SKILL_TITLES.get(drill.skill, drill.skill)
    body: list[Json] = [text_block(engine_md(line), isSubtle=True) for line in _intro_lines(reply.text, "*Drill:")]
    body.append(text_block(f"Drill: {escape_md(title)}", weight="Bolder", size="Medium"))
    if drill.setting:
        body.append(text_block(escape_md(drill.setting), isSubtle=True, spacing="None"))
    if drill.instruction:
        body.append(text_block(escape_md(drill.instruction)))
    body.append(_quote(drill.prompt))
    options = [c for c in reply.choices if c.value.startswith("choice:")]
    others = [c for c in reply.choices if not c.value.startswith("choice:")]
    actions: list[Json] = []
    if drill.one_click and options:
        for number, option in enumerate(options, start=1):
            body.append(text_block(f"{number}\\. {escape_md(option.label)}", spacing="Small"))
            actions.append(submit(f"{number}. {short(option.label, 36)}", {"action": option.value}))
    else:
        body.append({
            "type": "Input.Text", "id": ANSWER_INPUT, "isMultiline": True, "maxLength": MAX_ANSWER_CHARS,
            "placeholder": "Type your reply as you would say it", "label": "Your answer",
        })
        actions.append(submit("Send answer", {"oars": "answer"}))
    actions += choice_actions(others)
    return card(body, actions, summary=f"Drill: {title}")


def feedback_card(reply: Reply) -> Json:
    """Verdict and score, the feedback lines, the model answer, then the streak line."""
    fb = reply.feedback
    assert fb is not None
    passed = fb.verdict == "pass"
    head = ("Good one" if passed else "Worth another pass") + f" ({fb.score}/3)"
    body: list[Json] = [text_block(head, weight="Bolder", size="Medium", color="Good" if passed else "Warning")]
    body += [text_block(f"• {escape_md(line)}", spacing="Small") for line in fb.feedback]
    if fb.model_answer:
        body.append({
            "type": "Container", "style": "emphasis",
            "items": [text_block("One way to say it", weight="Bolder"), text_block(escape_md(fb.model_answer))],
        })
    for line in reply.text.split("\n"):  # streak line and "want another go?" come from the engine text
        if line.startswith(("Streak:", "Want another go")):
            body.append(text_block(engine_md(line), isSubtle=True))
    return card(body, choice_actions(reply.choices), summary=head)


def streak_card(reply: Reply) -> Json:
    part = reply.streak
    assert part is not None
    facts = [
        {"title": "Current", "value": f"{part.current} day" + ("" if part.current == 1 else "s")},
        {"title": "Longest", "value": str(part.longest)},
        {"title": "Freezes held", "value": str(part.freezes)},
    ]
    body: list[Json] = [
        text_block("Your streak", weight="Bolder", size="Medium"),
        {"type": "FactSet", "facts": facts},
        text_block(engine_md(reply.text), isSubtle=True),
    ]
    return card(body, choice_actions(reply.choices), summary=f"Streak: {part.current}")


def progress_card(reply: Reply) -> Json:
    part = reply.progress
    assert part is not None
    facts = []
    for skill, mastery, attempts in part.skills:
        if attempts:
            filled = round(mastery * 5)
            facts.append({"title": SKILL_TITLES.get(skill, skill), "value": f"{'█' * filled}{'░' * (5 - filled)} "
                          f"{attempts} answered"})
    if not facts:
        return card(text_body(reply.text), choice_actions(reply.choices))
    body: list[Json] = [text_block("Your progress by skill", weight="Bolder", size="Medium"),
                        {"type": "FactSet", "facts": facts}]
    untried = [SKILL_TITLES.get(s, s) for s, _, n in part.skills if not n]
    if untried:
        body.append(text_block("Not tried yet: " + ", ".join(untried), isSubtle=True))
    from adapters.teams.roleplay_cards import trend_blocks

    body += trend_blocks(reply)
    return card(body, choice_actions(reply.choices), summary="Your progress")


def text_card(reply: Reply) -> Json:
    """A plain reply that also offers buttons."""
    return card(text_body(reply.text), choice_actions(reply.choices))


def chart_card(reply: Reply) -> Json:
    """The team report: its text, then the chart as an Image (a PNG data URI; no public URL needed)."""
    chart = reply.chart
    assert chart is not None
    body = text_body(reply.text)
    body.append({"type": "Image", "url": f"data:image/png;base64,{chart.png_base64}", "altText": chart.alt,
                 "size": "Stretch", "spacing": "Medium"})
    return card(body, choice_actions(reply.choices), summary=chart.title or "Team report")


def card_for(reply: Reply) -> Json | None:
    """The card for a reply, or None when plain Markdown text is enough."""
    if reply.chart is not None:
        return chart_card(reply)
    from adapters.teams import roleplay_cards  # role-play cards build on this module's helpers

    if "report" in reply.extra:
        return roleplay_cards.report_card(reply)
    if "roleplay" in reply.extra:
        return roleplay_cards.roleplay_card(reply)
    if reply.drill is not None:
        return drill_card(reply)
    if reply.feedback is not None:
        return feedback_card(reply)
    if reply.streak is not None:
        return streak_card(reply)
    if reply.progress is not None:
        return progress_card(reply)
    if reply.choices:
        return text_card(reply)
    return None
