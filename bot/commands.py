"""Turning what a person typed into a command, without mistaking a drill answer for one.

With no open drill, a message whose first word is a command word is that command. With an open
drill, the next message is usually the answer, so only unmistakable commands count: the bare word
("streak"), "tip: ...", "drill <known skill>", "settings tz ...", "schedule ...", "forget me".
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from exercises.practice import ONE_CLICK
from exercises.vocabulary import KINDS, SKILL_ALIASES, SKILL_TITLES, normalise_name

ALIASES: dict[str, str] = {
    "help": "help", "?": "help", "hi": "help", "hello": "help", "start": "help", "commands": "help",
    "drill": "drill", "practice": "drill", "practise": "drill", "next": "drill", "another": "drill",
    "tip": "tip", "tips": "tip",
    "streak": "streak",
    "progress": "progress", "stats": "progress",
    "settings": "settings", "setting": "settings",
    "pause": "pause", "resume": "resume", "unpause": "resume",
    "forget": "forget",
    "schedule": "schedule", "schedules": "schedule",
    "skip": "skip", "hint": "hint",
    "report": "report", "reports": "report",
    "opt": "opt",
}
_PREFIX = re.compile(r"^\s*(/oars|oars:?|!)\s*", re.IGNORECASE)
_SCHEDULE_WORDS = {"daily", "list", "remove", "pause", "resume", "add", "help", "weekly", "digest", "roleplay",
                   "role-play", "roleplays"}
_OPT = re.compile(r"^(out|in)\b", re.IGNORECASE)


_SUGGESTABLE = frozenset(w for w in (*ALIASES, "roleplay") if len(w) >= 4)


def did_you_mean(text: str) -> str | None:
    """A mistyped command word corrected ('dril reflection' -> 'drill reflection'), or None when the first word
    is a command already or close to none (difflib ratio 0.75: one slip in a word of four or more letters), or
    the message is longer than three words."""
    stripped = _PREFIX.sub("", text, count=1).strip()
    first, _, rest = stripped.partition(" ")
    word = first.lower().rstrip(":,.!?")
    if len(word) < 3 or word in ALIASES or word == "roleplay" or len(stripped.split()) > 3:
        return None  # a longer message is a sentence ('Progressive relaxation helps me sleep'), not a slip
    close = difflib.get_close_matches(word, _SUGGESTABLE, n=1, cutoff=0.75)
    return f"{close[0]} {rest.strip()}".strip() if close else None


@dataclass(frozen=True)
class Command:
    name: str
    args: str = ""


# Words people put around a skill name that name nothing themselves ("a drill on rolling with resistance").
_FILLERS = frozenset({"a", "an", "the", "some", "on", "about", "for", "me", "please", "drill", "drills", "one",
                      "another", "new", "next", "item", "practice", "practise", "exercise", "kind", "type"})
_ONE_CLICK_NAMES = frozenset({"one_click", "oneclick", "quick", "click", "multiple_choice", "choice", "buttons"})


def _key(arg: str) -> str:
    return "_".join(w for w in normalise_name(arg).split("_") if w and w not in _FILLERS)


_TITLES = {_key(title): skill for skill, title in SKILL_TITLES.items()}


def resolve_drill_target(arg: str) -> tuple[str | None, str | None] | None:
    """Map `drill <arg>` to (skill, kind); None when the arg names neither.

    Forgiving on purpose: skill titles ("rolling with resistance"), filler words ("a drill on summaries"),
    near-misspellings ("reflecton") and "one-click" (any one-click kind) all resolve.
    """
    word = _key(arg)
    if not word:
        return (None, None)
    if word in _ONE_CLICK_NAMES:
        return (None, ONE_CLICK)
    if word in KINDS:
        return (None, word)
    if word in SKILL_ALIASES:
        return (SKILL_ALIASES[word], None)
    if word in _TITLES:
        return (_TITLES[word], None)
    close = difflib.get_close_matches(word, [*KINDS, *SKILL_ALIASES, *_TITLES], n=1, cutoff=0.85)
    if close and close[0] != word:
        return resolve_drill_target(close[0])
    return None


def parse(text: str, has_open_drill: bool) -> Command | None:
    """The command in `text`, or None when it is an answer or chatter."""
    stripped = _PREFIX.sub("", text, count=1).strip()
    if not stripped:
        return Command("help") if _PREFIX.match(text) else None
    first, _, rest = stripped.partition(" ")
    colon = first.endswith(":")
    name = ALIASES.get(first.lower().rstrip(":,.!"))
    if name is None:
        return None
    rest = rest.strip()
    if not has_open_drill:
        return Command(name, rest)
    if not rest:
        return Command(name)
    if name == "tip" and colon:
        return Command(name, rest)
    if name == "drill" and resolve_drill_target(rest) is not None:
        return Command(name, rest)
    if name == "settings" and rest.split()[0].lower() in {"tz", "timezone", "reminder"}:
        return Command(name, rest)
    if name == "schedule" and rest.split()[0].lower() in _SCHEDULE_WORDS:
        return Command(name, rest)
    if name == "forget" and rest.lower().rstrip(".!") == "me":
        return Command(name, rest)
    if name == "opt" and _OPT.match(rest):
        return Command(name, rest)
    return None
