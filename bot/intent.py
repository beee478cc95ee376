"""What a message means while a drill may be open: a command, an answer, small talk, or unclear.

People keep chatting while a drill is open ("tip client is angry", "thanks", "quit"). Grading such a
message would cost an attempt, count for the streak and lose what they asked for, so anything that
reads as a command runs as one, small talk gets a friendly word, and only a message that could
honestly be either ("Tip the balance: you want both") earns a one-line "Answer or command?" choice.
An answer is never mistaken for a command when it reads like something said to a client.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from bot.commands import ALIASES, Command, parse, resolve_drill_target

IntentKind = Literal["command", "answer", "small_talk", "leave", "ambiguous"]

# Command words that also start ordinary sentences ("Next time…", "Start by…", "Hello, you…").
_WEAK = frozenset({"next", "another", "start", "hi", "hello", "practice", "practise"})
_DRILL_FILLERS = frozenset({"", "one", "drill", "please", "item", "question", "exercise", "new one",
                            "drill please", "one please", "new drill"})
_LEAVE = frozenset({"quit", "exit", "bye", "goodbye", "stop", "cancel", "i'm done", "im done", "done for today",
                    "that's enough", "enough", "leave", "bye for now", "see you", "later"})
_SMALL_TALK = frozenset({
    "thanks", "thank you", "thank you so much", "thanks a lot", "many thanks", "thx", "ty", "cheers", "ta",
    "ok", "okay", "ok thanks", "okay thanks", "ok thank you", "k", "kk", "cool", "great", "nice", "awesome",
    "perfect", "got it", "gotcha", "understood", "makes sense", "sure", "fine", "alright", "all right",
    "yes", "yeah", "yep", "yup", "no", "nope", "nah", "hmm", "hm", "hmmm", "uh", "um", "umm", "lol", "haha",
    "hah", "wow", "oh", "ah", "oops", "sorry", "my bad", "wait", "one sec", "one moment", "brb", "hi",
    "hello", "hey", "hiya", "good morning", "morning", "good afternoon", "good evening", "hi there",
    "hello there", "hey there", "good one", "interesting", "i see", "right", "true", "fair", "fair enough",
    "noted", "will do", "good", "very good", "love it", "thanks oars", "thank you oars",
})
# "I don't know" to a drill: a nudge towards `hint`, never an answer that costs an attempt.
_STUCK = frozenset({"idk", "i dont know", "i don't know", "dunno", "i dunno", "no idea", "i have no idea",
                    "not sure", "i'm not sure", "im not sure", "no clue", "stuck", "i'm stuck", "im stuck",
                    "no idea sorry", "idk sorry", "not a clue"})
_THANKS = frozenset(w for w in _SMALL_TALK if w.startswith(("thank", "thx", "ty", "cheers", "ta")))
_GREETINGS = frozenset(w for w in _SMALL_TALK if w.startswith(("hi", "hello", "hey", "good morning", "morning",
                                                                 "good afternoon", "good evening")))
_SECOND_PERSON = re.compile(r"\b(you|your|you're|youre|yours|yourself|you've|you'd|you'll)\b", re.IGNORECASE)
_QUOTED = re.compile(r"\"[^\"]*\"|“[^”]*”|'[^']{3,}'|‘[^’]*’")
_PUNCT = re.compile(r"[^\w\s']+")
_SENTENCE_OPENERS = ("me understand", "me see", "me get", "me hear", "down")
MAX_AMBIGUOUS_CHARS = 300  # a longer message is a real answer; also keeps the choice's button value small


@dataclass(frozen=True)
class Intent:
    kind: IntentKind
    command: Command | None = None


def _plain(text: str) -> str:
    """Lower case, punctuation and emoji dropped, spaces folded: 'Thanks!! 🙏' -> 'thanks'."""
    return " ".join(_PUNCT.sub(" ", text.lower().replace("’", "'")).split())


def is_small_talk(text: str) -> bool:
    plain = _plain(text)
    return plain in _SMALL_TALK or plain in _STUCK


def small_talk_kind(text: str) -> Literal["thanks", "greeting", "stuck", "other"]:
    """Which friendly word fits: 'You're welcome' only answers thanks, never 'no' or 'lol'."""
    plain = _plain(text)
    if plain in _STUCK:
        return "stuck"
    if plain in _THANKS:
        return "thanks"
    return "greeting" if plain in _GREETINGS else "other"


def is_leave(text: str) -> bool:
    return _plain(text) in _LEAVE


def _addresses_someone(rest: str) -> bool:
    """'…you want both' reads as words said to a client; quoted speech ('they say "you don't get it"') doesn't."""
    return bool(_SECOND_PERSON.search(_QUOTED.sub(" ", rest)))


def _drill_request(rest: str) -> bool:
    return _plain(rest) in _DRILL_FILLERS or resolve_drill_target(rest) is not None


def classify(text: str, has_open_drill: bool) -> Intent:
    """Read one typed message. Without an open drill every command word is a command."""
    if not text.strip():
        return Intent("answer")
    if is_leave(text):
        return Intent("leave")
    if is_small_talk(text):
        return Intent("small_talk")
    strict = parse(text, has_open_drill=has_open_drill)
    first, _, rest = _plain(text).partition(" ")
    name = ALIASES.get(first)
    if name == "help" and rest.startswith(_SENTENCE_OPENERS):
        return Intent("answer") if has_open_drill else Intent("command", Command("help"))
    if strict is not None:
        if not has_open_drill and strict.name == "drill" and first in _WEAK and not _drill_request(strict.args):
            return Intent("answer")  # "Next time I'll…" with nothing open: let the engine say it's lost
        return Intent("command", _tidy(strict))
    if name is not None and not rest:  # "hint?", "streak??", "skip…": a bare command word with punctuation
        return Intent("command", Command(name))
    if name is None or not has_open_drill:
        return Intent("answer")
    raw_rest = text.strip().split(None, 1)[1] if len(text.split()) > 1 else ""
    if first in _WEAK:
        return Intent("command", Command("drill")) if name == "drill" and _drill_request(raw_rest) else Intent("answer")
    if rest.startswith(_SENTENCE_OPENERS):
        return Intent("answer")
    if name == "tip":
        return _ambiguous(text, Command("tip", raw_rest)) if _addresses_someone(raw_rest) \
            else Intent("command", Command("tip", raw_rest))
    if _addresses_someone(raw_rest) or text.rstrip().endswith("?"):
        return Intent("answer")
    if name == "drill" and (resolve_drill_target(raw_rest) is not None or len(rest.split()) <= 3):
        return Intent("command", Command("drill", raw_rest))
    if len(rest.split()) <= 2:
        return Intent("command", Command(name, raw_rest if name in {"settings", "schedule", "forget"} else ""))
    return _ambiguous(text, Command(name, raw_rest))


def _ambiguous(text: str, command: Command) -> Intent:
    return Intent("ambiguous", command) if len(text) <= MAX_AMBIGUOUS_CHARS else Intent("answer")


def _tidy(command: Command) -> Command:
    """'another drill', 'help me', 'hint please': the words after the command add nothing."""
    if command.name == "drill" and _plain(command.args) in _DRILL_FILLERS:
        return Command("drill")
    if command.name in {"help", "hint", "skip", "streak", "progress", "pause", "resume"}:
        return Command(command.name)
    return command
