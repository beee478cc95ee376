"""Block Kit for role-play: a client turn (the line quoted, the client's state as context) and the
session report (numbers as fields, globals against thresholds, best moments, one turn to redo)."""

from __future__ import annotations

from typing import Any

from adapters.slack.blocks import SECTION_LIMIT, Block, context, escape, plain, quote, section
from bot.messages import Reply

GLOBAL_TITLES = {
    "cultivating_change_talk": "Cultivating change talk", "softening_sustain_talk": "Softening sustain talk",
    "partnership": "Partnership", "empathy": "Empathy",
}
_BADGE = {"good": ":large_green_circle: good", "fair": ":large_yellow_circle: fair",
          "below fair": ":red_circle: below fair"}


def _field(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text[:2000]}


def client_turn_blocks(reply: Reply) -> list[Block]:
    """The client's line stands out as a quote; the turn counter and state are quiet context."""
    lines = reply.text.splitlines()
    quoted = [line for line in lines if line.startswith("> ")]
    others = [line for line in lines if line.strip() and not line.startswith("> ")]
    blocks: list[Block] = []
    if reply.extra.get("thread_root"):  # the intro: case, roles, instructions
        blocks.append(section("\n".join(others[:-1]) if len(others) > 1 else "\n".join(others)))
        others = others[-1:] if len(others) > 1 else []
    if quoted:
        text = "\n".join(quote(line[2:]).replace("&gt; ", "> ", 1) for line in quoted)
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": text[:SECTION_LIMIT]}})
    if others:
        blocks.append(context("\n".join(others)))
    return blocks


def report_blocks(reply: Reply) -> list[Block]:
    """The session report: header, counts, ratios and globals with their MITI level, quotes, redo."""
    numbers: dict[str, Any] = reply.extra["report"]
    view: dict[str, Any] = reply.extra.get("report_view") or {}
    levels: dict[str, str] = view.get("levels") or {}
    globals_: dict[str, float] = numbers["globals"]
    blocks: list[Block] = [
        {"type": "header", "text": plain(f"Role-play report: {view.get('title', '')}", 150)},
        context(f"{view.get('client', 'The client')} wraps up: \"{view.get('closing', '')}\" · "
                f"{view.get('turns', 0)} turns"),
        {"type": "section", "fields": [
            _field(f"*Open questions*\n{numbers['open_questions']}"),
            _field(f"*Closed questions*\n{numbers['closed_questions']}"),
            _field(f"*Simple reflections*\n{numbers['simple_reflections']}"),
            _field(f"*Complex reflections*\n{numbers['complex_reflections']}"),
            _field(f"*Affirmations*\n{numbers['affirmations']}"),
            _field(f"*MI-adherent / non-adherent*\n{numbers['mi_adherent']} / {numbers['mi_non_adherent']}"),
            _field(f"*Change / sustain talk drawn*\n{numbers['change_talk']} / {numbers['sustain_talk']}"),
            _field(f"*Hidden facts drawn out*\n{view.get('facts_found', 0)} of {view.get('facts_total', 0)}"),
        ]},
        {"type": "section", "fields": [
            _field(f"*R:Q* {numbers['rq_ratio']:g}\n{_BADGE.get(levels.get('rq_ratio', ''), '')}"),
            _field(f"*Complex reflections* {numbers['pct_complex']:g}%\n"
                   f"{_BADGE.get(levels.get('pct_complex', ''), '')}"),
            _field(f"*Open questions* {numbers['pct_open']:g}%\n{_BADGE.get(levels.get('pct_open', ''), '')}"),
        ]},
        {"type": "section", "text": {"type": "mrkdwn", "text": "*Estimated MITI globals (1-5)*"},
         "fields": [_field(f"*{title}* {globals_[key]:g}\n{_BADGE.get(levels.get(key, ''), '')}")
                    for key, title in GLOBAL_TITLES.items()]},
    ]
    best = view.get("best") or []
    if best:
        text = "*Best moments*\n" + "\n".join(
            f"• Turn {m['turn']}: “{escape(m['member'])}” → _{escape(m['client'])}_ {escape(m['why'])}" for m in best)
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": text[:SECTION_LIMIT]}})
    redo = view.get("redo")
    if redo:
        text = (f"*One to redo* (turn {redo['turn']}): “{escape(redo['member'])}”\n{escape(redo['why'])}\n"
                f"*{escape(redo.get('try', 'Try:'))}* {escape(redo['suggestion'])}")
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": text[:SECTION_LIMIT]}})
    blocks.append(context("Thresholds (fair/good): R:Q 1:1/2:1, complex reflections 40%/50%, open questions "
                          "50%/70%, globals 3.5/4. Globals are estimates from the coded turns."))
    return blocks
