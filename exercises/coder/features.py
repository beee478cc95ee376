"""Text -> sparse hashed features, shared byte-for-byte by training and run time.

The runtime never imports scikit-learn; both sides call `featurize`, so a trained weight matrix is only
valid for the exact feature recipe below. Bump FEATURE_VERSION whenever the recipe changes.
"""

from __future__ import annotations

import itertools
import math
import re
import zlib

FEATURE_VERSION = 3
DIM = 1 << 15

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[?!]")
_SENT_SPLIT = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])")
_APOS = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2026": "..."})

QUESTION_OPENERS = frozenset(
    "do does did is are was were can could would will have has had should shall may might am "
    "isn't aren't don't doesn't didn't won't wouldn't can't couldn't haven't hasn't".split()
)
WH_WORDS = frozenset("what how which where when who whom whose why".split())
_SUBJECT_AFTER = frozenset("you we i it they he she that this there your the things anything anyone".split())

# Hand-made MI cues: name -> pattern on the normalised, lower-cased text.
_CUES: dict[str, re.Pattern[str]] = {
    name: re.compile(pattern)
    for name, pattern in {
        "tell_me": r"\b(tell me|walk me through|help me understand|talk me through|say more|describe)\b",
        "could_you_describe": r"^(could|can|would|will) you (tell|describe|say|walk|share|talk|explain|help me)",
        "sounds_like": r"\b(it )?(sounds|seems|looks) (like|as if|as though)\b|^sounds\b|\bi hear\b",
        "you_feel": r"\byou(?:'re| are)? (feel|feeling|felt|sense|worried|frustrated|tired|fed up|torn|"
        r"stuck|anxious|nervous|proud|excited|hoping|wondering|afraid|scared|overwhelmed|unsure)",
        "so_you": r"^(so|and so|so far) (you|it|for you)|^you('re| are| have|'ve| want| need| feel| don't)",
        "ambivalence": r"\b(on (the )?one hand|on the other|and yet|part of you|at the same time|"
        r"torn between|both\b.*\band\b)",
        "feeling_word": r"\b(frustrat|worr|afraid|scar|anx|hurt|angry|relie|proud|lonely|exhaust|overwhelm|"
        r"stress|disappoint|embarrass|guilt|ashamed|nervous|hopeless|hopeful|excit|torn|trapped|stuck)",
        "advice_modal": r"\byou (should|ought to|must|need to|have to|had better|'d better|gotta)\b|"
        r"\byou'd (better|be better)\b|^(try|start|stop|make sure|just|go|remember to|don't)\b",
        "why_dont_you": r"\bwhy (don't|not|wouldn't) you\b|\bhave you (tried|thought about|considered)\b|"
        r"\bif i were you\b|\bmy advice\b|\bi (recommend|suggest|'d recommend|'d suggest|would suggest)\b",
        "autonomy": r"\b(up to you|your (choice|call|decision|life|team)|you decide|you('re| are) the (one|"
        r"expert|best judge)|you know (your|best|what)|whatever you (decide|choose)|it's yours|"
        r"in your hands|you get to|free to|no one can make you|nobody can (make|decide)|on your terms)",
        "options": r"\b(some people|others|other people|a few (options|ideas|ways)|one option|another option|"
        r"options|either\b.*\bor\b|a couple of (ways|things|ideas)|one way|some (folks|teams|parents))",
        "affirm": r"\byou('ve| have)? (worked|put|shown|showed|stuck|kept|managed|pushed|handled|came|"
        r"took|made it|done|been really|been so|really care|clearly care|care (a lot|deeply))|"
        r"\b(that|it) (took|takes) (courage|guts|effort|real)|\byou're (someone|a person) who\b|"
        r"\b(your|that) (commitment|dedication|honesty|persistence|determination|effort|courage)\b|"
        r"\byou('re| are) (really |very |clearly )?(resourceful|determined|persistent|thoughtful|honest|"
        r"committed|dedicated|caring|brave|strong)\b",
        "confront": r"\byou('re| are) (wrong|not listening|kidding yourself|in denial|making excuses|"
        r"just|being)\b|\bthat's (not true|ridiculous|an excuse|nonsense|not how)|\bface (it|facts|the)\b|"
        r"\b(come on|let's be honest|be real|seriously)\b|\byou (always|never|keep|can't)\b|"
        r"\bno wonder\b|\bwhat did you expect\b|\byou (obviously|clearly) (don't|didn't|aren't)",
        "plan": r"\b(next step|first step|by when|plan|goal|when will you|what will you|target|deadline|"
        r"commit to|agree on|this week|by friday|by next|schedule|check in|follow up|milestone)",
        "collab": r"\b(would it be ok|would it be okay|is it ok if|may i|can i share|could i|would you be "
        r"(ok|okay|open)|do you mind if|would you like (me|to hear)|shall we|where would you like|"
        r"what would you like to (focus|talk|start)|how would you like to|together|let's look)",
        "info": r"\b(research|studies|study|the data|data show|the policy|the rule|the deadline is|"
        r"typically|usually|on average|percent|%|the process|the form|guidelines|recommend[s]?)\b|"
        r"\b(is|are) (due|scheduled|available|open|required|included|covered)\b",
        "i_centred": r"^(i'm|i am|i) (proud|glad|happy|impressed|love|think you|really like)\b",
        "generic_praise": r"^(great|good|nice|awesome|well done|excellent|amazing|perfect)\b",
        "self_disclosure": r"\b(i also|me too|i used to|when i was|i had the same|happened to me|i remember when)",
        "reassure": r"\b(don't worry|it'll be (fine|ok|okay)|it will be (fine|ok|okay)|everything will|"
        r"you'll be fine|i'm sure it)",
        "leading": r"^(don't|doesn't|isn't|aren't|wouldn't|shouldn't|won't|can't) (you|it|that|this|they)\b|"
        r"\b(right|correct|isn't it|don't you think|wouldn't you agree|surely)\?$",
        "why_q": r"^(why|how come)\b",
        "hypothetical": r"\b(if you (did|were|could|decided)|suppose|imagine|what would it)\b",
        "scale": r"\b(scale of|from (0|zero|1|one) to (10|ten))\b",
        "values": r"\b(matters|important to you|value|values|care about|kind of (parent|manager|person)|"
        r"what kind of)\b",
        "thanks": r"^(thanks|thank you|hi|hello|hey|ok|okay|right|sure|mm|hmm|yeah|bye|good morning)\b",
    }.items()
}


def normalise(text: str) -> str:
    """Fold curly quotes and whitespace so typed and pasted text look the same."""
    return " ".join(text.translate(_APOS).split())


def split_sentences(text: str) -> list[str]:
    """Split a turn into sentences; short fragments ride along with their neighbour."""
    text = normalise(text)
    if not text:
        return []
    parts = [p.strip() for p in _SENT_SPLIT.split(text) if p.strip()]
    merged: list[str] = []
    for part in parts:
        if merged and len(_WORD.findall(part.lower())) <= 1 and not part.endswith("?"):
            merged[-1] = f"{merged[-1]} {part}"
        else:
            merged.append(part)
    return merged


def tokens(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _h(feature: str) -> int:
    return zlib.crc32(feature.encode("utf-8")) & (DIM - 1)


def cue_names(text: str) -> list[str]:
    """Names of the hand-made cues present in `text` (lower-cased, normalised)."""
    low = normalise(text).lower()
    return [name for name, pattern in _CUES.items() if pattern.search(low)]


def shape_features(text: str) -> list[str]:
    """Structural features: question marks, openers, length. Cheap and highly predictive."""
    low = normalise(text).lower()
    toks = tokens(low)
    words = [t for t in toks if t not in ("?", "!")]
    out: list[str] = []
    stripped = low.rstrip(" .!\"')")
    if stripped.endswith("?"):
        out.append("S:ends_q")
    if "?" in low:
        out.append("S:has_q")
        out.append(f"S:nq{min(low.count('?'), 3)}")
    if words:
        first = words[0]
        out.append(f"S:first={first}")
        if first in QUESTION_OPENERS:
            out.append("S:first_aux")
            if len(words) > 1 and words[1] in _SUBJECT_AFTER:
                out.append("S:aux_subj")
        if first in WH_WORDS:
            out.append("S:first_wh")
        if any(w in WH_WORDS for w in words[:3]):
            out.append("S:wh_early")
        if len(words) > 1:
            out.append(f"S:first2={first}_{words[1]}")
        if first in ("and", "so", "but") and len(words) > 1:
            out.append(f"S:after_conj={words[1]}")
    n = len(words)
    out.append(f"S:len{0 if n < 5 else 1 if n < 10 else 2 if n < 20 else 3 if n < 40 else 4}")
    out.append(f"S:nsent{min(len(split_sentences(text)), 4)}")
    if " or " in low and "?" in low:
        out.append("S:or_question")
    return out


def featurize(text: str) -> dict[int, float]:
    """Hashed, L2-normalised feature vector for one unit of text (a sentence or a whole turn)."""
    low = normalise(text).lower()
    toks = tokens(low)
    counts: dict[int, float] = {}

    def add(name: str, value: float = 1.0) -> None:
        idx = _h(name)
        counts[idx] = counts.get(idx, 0.0) + value

    padded = ["<s>", *toks, "</s>"]
    for tok in toks:
        add("w:" + tok)
    for a, b in itertools.pairwise(padded):
        add(f"b:{a}_{b}")
    for a, b, c in zip(padded, padded[1:], padded[2:], strict=False):
        add(f"t:{a}_{b}_{c}")
    for tok in toks:
        word = f" {tok} "
        for n in (3, 4):
            for i in range(max(len(word) - n + 1, 0)):
                add("c:" + word[i : i + n], 0.3)
    for name in shape_features(text):
        add(name, 2.0)
    for name in cue_names(text):
        add("K:" + name, 2.0)
    norm = math.sqrt(sum(v * v for v in counts.values())) or 1.0
    return {k: v / norm for k, v in counts.items()}
