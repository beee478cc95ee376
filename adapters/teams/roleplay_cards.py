"""Adaptive Cards for role-play: each client turn with an answer box, and the session report."""

from __future__ import annotations

from typing import Any

from adapters.teams.cards import (
    ANSWER_INPUT,
    MAX_ANSWER_CHARS,
    Json,
    card,
    choice_actions,
    engine_md,
    escape_md,
    submit,
    text_block,
)
from bot.messages import Reply

GLOBAL_TITLES = {
    "cultivating_change_talk": "Cultivating change talk", "softening_sustain_talk": "Softening sustain talk",
    "partnership": "Partnership", "empathy": "Empathy",
}
_COLOUR = {"good": "Good", "fair": "Warning", "below fair": "Attention"}


def roleplay_card(reply: Reply) -> Json:
    """The client's line in an emphasis box, the state as subtle text, and a box for the member's reply."""
    body: list[Json] = []
    for line in reply.text.split("\n"):
        if not line.strip():
            continue
        if line.startswith("> "):
            body.append({"type": "Container", "style": "emphasis",
                         "items": [text_block(engine_md(line[2:]), size="Medium")]})
        elif line.startswith("_") and line.endswith("_"):
            body.append(text_block(engine_md(line.strip("_")), isSubtle=True, size="Small"))
        else:
            body.append(text_block(engine_md(line), spacing="Small"))
    actions: list[Json] = []
    if reply.choices:  # not on the last turn: the report follows at once
        body.append({"type": "Input.Text", "id": ANSWER_INPUT, "isMultiline": True, "maxLength": MAX_ANSWER_CHARS,
                     "placeholder": "What do you say to the client?", "label": "Your reply"})
        actions.append(submit("Send", {"oars": "answer"}))
    actions += choice_actions(reply.choices)
    part: dict[str, Any] = reply.extra.get("roleplay") or {}
    return card(body, actions, summary=f"Role-play turn {part.get('turn', '')}")


def report_card(reply: Reply) -> Json:
    numbers: dict[str, Any] = reply.extra["report"]
    view: dict[str, Any] = reply.extra.get("report_view") or {}
    levels: dict[str, str] = view.get("levels") or {}
    title = f"Role-play report: {view.get('title', '')}"
    body: list[Json] = [
        text_block(escape_md(title), weight="Bolder", size="Medium"),
        text_block(escape_md(f"{view.get('client', 'The client')} wraps up: \"{view.get('closing', '')}\""),
                   isSubtle=True),
        {"type": "FactSet", "facts": [
            {"title": "Questions", "value": f"{numbers['open_questions']} open, {numbers['closed_questions']} closed"},
            {"title": "Reflections",
             "value": f"{numbers['simple_reflections']} simple, {numbers['complex_reflections']} complex"},
            {"title": "Affirmations", "value": str(numbers["affirmations"])},
            {"title": "MI-adherent / non-adherent",
             "value": f"{numbers['mi_adherent']} / {numbers['mi_non_adherent']}"},
            {"title": "Change / sustain talk", "value": f"{numbers['change_talk']} / {numbers['sustain_talk']}"},
            {"title": "Hidden facts drawn out",
             "value": f"{view.get('facts_found', 0)} of {view.get('facts_total', 0)}"},
        ]},
        text_block("Against the MITI thresholds", weight="Bolder", spacing="Medium"),
    ]
    measures = [("rq_ratio", "R:Q", f"{numbers['rq_ratio']:g}"),
                ("pct_complex", "Complex reflections", f"{numbers['pct_complex']:g}%"),
                ("pct_open", "Open questions", f"{numbers['pct_open']:g}%")]
    measures += [(key, f"{name} (est.)", f"{numbers['globals'][key]:g}") for key, name in GLOBAL_TITLES.items()]
    for key, name, value in measures:
        level = levels.get(key, "")
        body.append({"type": "ColumnSet", "spacing": "Small", "columns": [
            {"type": "Column", "width": "stretch", "items": [text_block(name)]},
            {"type": "Column", "width": "auto", "items": [text_block(value, weight="Bolder")]},
            {"type": "Column", "width": "auto",
             "items": [text_block(level or "-", color=_COLOUR.get(level, "Default"))]},
        ]})
    for moment in view.get("best") or []:
        body.append({"type": "Container", "style": "good", "spacing": "Medium", "items": [
            text_block(f"Best moment, turn {moment['turn']}", weight="Bolder"),
            text_block(escape_md(f"You: {moment['member']}")),
            text_block(escape_md(f"{view.get('client', 'Client')}: {moment['client']}"), isSubtle=True),
            text_block(escape_md(moment["why"]), size="Small"),
        ]})
    redo = view.get("redo")
    if redo:
        body.append({"type": "Container", "style": "warning", "spacing": "Medium", "items": [
            text_block(f"One to redo, turn {redo['turn']}", weight="Bolder"),
            text_block(escape_md(f"You: {redo['member']}")),
            text_block(escape_md(redo["why"])),
            text_block(escape_md(f"{redo.get('try', 'Try:')} {redo['suggestion']}"), weight="Bolder"),
        ]})
    body.append(text_block("Thresholds (fair/good): R:Q 1:1/2:1, complex reflections 40%/50%, open questions "
                           "50%/70%, globals 3.5/4. Globals are estimates.", isSubtle=True, size="Small"))
    return card(body, choice_actions(reply.choices), summary=title)


def trend_blocks(reply: Reply) -> list[Json]:
    """`progress`: the role-play trend lines under the skill facts."""
    return [text_block(engine_md(line), isSubtle=i > 0, spacing="Small" if i else "Medium")
            for i, line in enumerate(reply.extra.get("roleplay_trend_text") or [])]
