"""Safe handling of text people typed, before any of it appears in a reply."""

from __future__ import annotations

import re
import unicodedata

MAX_ANSWER_CHARS = 2000  # longer answers are not graded: drills want one or two sentences
# C0 and C1 controls, and the bidi embeddings, overrides and isolates (U+202E can make "exe.txt" read "txt.exe").
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# What str.strip() strips, plus the zero-width characters: a message of only these is empty. (A set for
# str.strip, not a regex: '[\s…]+$' backtracks quadratically over a long run of spaces inside a message.)
_EDGES = "".join(ch for ch in map(chr, range(0x3001)) if ch.isspace()) + "\u200b\u200c\u200d\u2060\ufeff"
_MENTION = re.compile(r"@(here|channel|everyone)\b", re.IGNORECASE)
_SLACK_MARKUP = re.compile(r"<[!@#][^>]*>")


def clean_input(text: str) -> str:
    """Strip control and bidi-override characters and surrounding space; keep everything a person meant to say."""
    return _CONTROL.sub("", text).strip(_EDGES)


def quote_user_text(text: str, limit: int = 60) -> str:
    """Render user text harmlessly inside a reply: no mass mentions, no markup, bounded length."""
    text = clean_input(text).replace("\n", " ")
    text = _SLACK_MARKUP.sub("…", text)
    text = _quiet(text.replace("<", "‹").replace(">", "›").replace("`", "'").replace("*", ""))
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def defuse_mentions(text: str) -> str:
    """Our own text that quotes the member (the grader's feedback): mentions and Slack markup made inert, the
    rest left as written ('<!channel> you feel torn' -> '‹!channel› you feel torn', '@here' never pings)."""
    return _quiet(_SLACK_MARKUP.sub(lambda m: "‹" + m.group(0)[1:-1] + "›", text))


def _quiet(text: str) -> str:
    """'@here' -> '@\u200bhere': still readable, never a mass mention."""
    return _MENTION.sub(lambda m: "@\u200b" + m.group(1), text)


def without_mentions(text: str) -> str:
    """The text with mentions and Slack markup taken out ('tip @here' asks for a tip about nothing)."""
    return " ".join(_MENTION.sub(" ", _SLACK_MARKUP.sub(" ", text)).split())


def has_words(text: str) -> bool:
    """True when the text contains at least one letter or digit (not only emoji or punctuation)."""
    return any(unicodedata.category(ch)[0] in ("L", "N") for ch in text)


def unanswerable(text: str) -> str | None:
    """Why a drill answer cannot be graded (nothing is recorded, no attempt used), or None when it can."""
    from exercises.grading.text import not_english  # the grading text helpers load only once an answer arrives

    if not text:
        return "Your reply came through empty. Type your answer in a sentence or two; the drill is still open."
    if len(text) > MAX_ANSWER_CHARS:
        return (f"That's {len(text):,} characters. Drills want one or two sentences (under "
                f"{MAX_ANSWER_CHARS:,} characters), so try a shorter version; the drill is still open.")
    if not has_words(text):
        return "I can only coach words, not emoji or symbols. Try it as a sentence; the drill is still open."
    if not any(ch.isalpha() for ch in text):
        return ("That looks like a number, but this drill wants your words: write what you'd say to the "
                "person, in a sentence or two. No attempt used; the drill is still open.")
    if not_english(text):
        return ("I couldn't read that as English, and the drills are in English for now, so I can't give useful "
                "feedback on it. Try your answer in English. No attempt used; the drill is still open.")
    return None
