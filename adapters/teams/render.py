"""Reply -> botbuilder Activity: an Adaptive Card for structured replies, Markdown text otherwise."""

from __future__ import annotations

from botbuilder.schema import Activity, ActivityTypes, Attachment, TextFormatTypes

from adapters.teams.cards import CONTENT_TYPE, card_for, engine_md
from bot.messages import Reply


def markdown_text(text: str) -> str:
    """Teams joins single newlines in Markdown; a blank line between engine lines keeps them apart."""
    return "\n\n".join(engine_md(line) for line in text.split("\n") if line.strip())


def to_activity(reply: Reply) -> Activity:
    content = card_for(reply)
    if content is None:
        return Activity(type=ActivityTypes.message, text=markdown_text(reply.text),
                        text_format=TextFormatTypes.markdown)
    summary = reply.text.split("\n", 1)[0][:120]
    return Activity(
        type=ActivityTypes.message,
        summary=summary,
        attachments=[Attachment(content_type=CONTENT_TYPE, content=content)],
    )
