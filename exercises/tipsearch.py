"""A small BM25 ranker for tips, written in pure Python so the bot needs no model download.

People type situations in their own words ("they're angry at me"), so both the query and the tips go
through the same normalisation: contractions, a few phrase rewrites, light stemming and a synonym map
that folds near-words onto one concept token.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

from exercises.model import Tip
from exercises.vocabulary import SKILL_TITLES

K1 = 1.2
B = 0.6
# How much each part of a tip counts: situations are written as a person would describe their problem.
FIELD_WEIGHTS = {"text": 1.0, "situations": 2.0, "skills": 1.0, "example": 0.5}

STOPWORDS = frozenset(
    """a an the and or of to in on at for with by from as is are was were be been being am it its this that
    these those i me my we our you your he him his she her they them their there here what which who whom how
    when where why do does did doing have has had having just so very really too also can could would should
    will shall may might must about into over than then some any all more most other such only own same s t
    get got keep keeps kept keeping say says said saying tell make makes made people someone thing things
    one if but up out off again still even because while like""".split()
)

# Phrases first, before tokenising: each becomes one concept token.
PHRASES: tuple[tuple[str, str], ...] = (
    (r"\byes,?\s*but\b|\byeah,?\s*but\b", " yesbut "),
    (r"\beverything(?: is|'s) (?:ok|okay|good)\b|\ball good\b", " fine "),
    (r"\bi'?m fine\b|\bthey'?re fine\b|\b(?:she|he)'?s fine\b|\bfine\b", " fine "),
    (r"\bone[- ]to[- ]one\b|\b1:1s?\b|\b1-on-1s?\b|\bone on one\b", " oneonone "),
    (r"\bdon'?t want to\b|\bdoesn'?t want to\b|\bwon'?t\b|\brefus\w*", " refuse "),
    (r"\bcan'?t\b|\bcannot\b|\bunable\b", " cannot "),
    (r"\bno idea\b|\bdon'?t know\b|\bdunno\b", " unsure "),
    (r"\bchange talk\b", " changetalk "),
    (r"\bsustain talk\b", " sustaintalk "),
    (r"\bpush[- ]?back\b", " resist "),
    (r"\bdo(?:ing)? (?:it|this|that|the \w+|their \w+) for (?:them|him|her)\b", " rescu "),
    (r"\bi will\b|\bi'll\b|\bi'm going to\b|\bgonna\b", " commit "),
)

# Concept groups: every stemmed word on the right is folded onto the token on the left.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "anger": ("angry", "anger", "furious", "mad", "annoy", "irritat", "hostil", "shout", "yell", "rage",
              "livid", "upset", "fum", "cross", "heat", "snap"),
    "frustrat": ("frustrat", "fed", "exasperat"),
    "resist": ("resist", "resistanc", "object", "objection", "defens", "reluct", "oppos", "refuse", "reject",
               "stubborn", "obstinat", "pushback"),
    "argu": ("argu", "argument", "debat", "fight", "disput", "quarrel", "row", "clash", "conflict", "disagre",
             "disagr"),
    "persuad": ("persuad", "convinc", "talk into", "sell", "pitch", "push", "pressur", "nag"),
    "judg": ("judg", "criticis", "criticiz", "critic", "blam", "attack", "lectur", "scold", "told off"),
    "young": ("young", "junior", "youth", "graduat", "intern", "trainee", "teen", "teenag", "adolesc", "kid",
              "child", "son", "daughter", "student", "pupil", "learner"),
    "employ": ("employ", "staff", "worker", "colleagu", "report", "direct report", "team member", "hire",
               "coworker"),
    "client": ("client", "custom", "prospect", "buyer", "account", "user", "patient"),
    "manag": ("manag", "boss", "supervisor", "lead", "leader"),
    "talk": ("talk", "speak", "open up", "share", "discuss", "convers", "chat"),
    "quiet": ("quiet", "silent", "silenc", "shy", "introvert", "withdrawn", "withdraw", "clam", "mute",
              "reserv"),
    "feel": ("feel", "feeling", "emot", "mood"),
    "sad": ("sad", "cry", "cri", "tear", "griev", "grief", "loss", "bereav", "die", "died", "death", "pass away",
            "hurt"),
    "worri": ("worri", "anxious", "anxieti", "nervous", "scar", "afraid", "fear", "stress", "overwhelm",
              "panic"),
    "tire": ("tire", "exhaust", "burnout", "burn", "drain", "empty", "overwork", "worn"),
    "confid": ("confid", "believ", "self-doubt", "doubt", "insecur", "imposter", "impostor", "capabl", "abil",
               "cannot"),
    "motiv": ("motiv", "unmotiv", "care", "interest", "enthusias", "lazi", "lazy", "apath", "bother"),
    "decid": ("decid", "decis", "choic", "choos", "option", "torn", "fenc", "undecid", "ambival", "dilemma",
              "mix", "unsure"),
    "advic": ("advic", "advis", "suggest", "recommend", "solut", "fix", "tip", "idea"),
    "question": ("question", "ask", "asking"),
    "agre": ("agre", "nod", "yes", "comply", "compli"),
    "follow": ("follow", "through", "action", "commit", "promis", "deliver", "adher", "stick"),
    "prais": ("prais", "compliment", "appreci", "recogn", "thank", "affirm", "encourag", "proud"),
    "ramble": ("rambl", "tangent", "circl", "wander", "drift", "monolog", "non-stop", "nonstop",
               "stop talking", "talks forev"),
    "fine": ("fine", "alright", "nothing wrong", "no problem"),
    "feedback": ("feedback", "review", "apprais", "evalu", "perform"),
    "meet": ("meet", "meeting", "session", "call", "oneonone", "stand", "standup", "sync", "check"),
    "late": ("late", "miss", "deadlin", "overdu", "delay", "slip"),
    "cancel": ("cancel", "churn", "leav", "quit", "renew", "switch", "competitor"),
    "health": ("health", "doctor", "nurs", "medic", "medicin", "clinic", "smok", "diet", "exercis", "weight",
               "drink", "alcohol", "sleep", "care plan"),
    "famili": ("famili", "parent", "mum", "mom", "dad", "father", "mother", "partner", "spous", "relat",
               "grandpar", "elder", "elderli", "older", "grandma", "grandpa", "age"),
    "school": ("school", "class", "teacher", "homework", "grade", "exam", "studi", "educ", "maths", "math"),
    "chang": ("chang", "improv", "differ", "better", "transform"),
    "plan": ("plan", "goal", "step", "next", "start", "begin"),
    "summar": ("summar", "recap", "wrap", "sum", "pull together"),
    "reflect": ("reflect", "paraphras", "mirror", "echo", "repeat", "listen", "heard", "hear"),
    "empathi": ("empathi", "empath", "understand", "understood", "compass", "sympath"),
    "valu": ("valu", "matter", "import", "prioriti", "care about"),
    "excus": ("excus", "reason not", "sustaintalk", "status quo"),
    "want": ("want", "wish", "desir", "hope", "would like", "need"),
    "mistak": ("mistak", "error", "fail", "failur", "wrong", "bug", "screw", "mess"),
    "new": ("new", "first", "onboard"),
    "fake": ("fake", "hollow", "insincer", "flatter", "generic", "robot", "mechan",
             "script", "empty prais"),
    "interrog": ("interrog", "grill", "quiz", "too many question", "question after question"),
    "rescu": ("rescu", "take over", "taking over", "micromanag"),
    "selfcrit": ("bad at", "useless", "hopeless", "stupid", "not good enough", "self-talk",
                 "put themselves down", "puts themselves down", "put myself down"),
    "remot": ("remot", "video", "zoom", "teams", "slack", "email", "messag", "text", "onlin"),
}

_SUFFIXES = ("ational", "ations", "ation", "ingly", "edly", "ness", "ments", "ment", "ings", "ing", "ies",
             "ied", "ers", "ed", "ly", "es", "er", "s", "e", "y")


def stem(word: str) -> str:
    """Strip one common English suffix; crude on purpose, and applied to queries and tips alike."""
    if len(word) <= 3:
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiouls":
        word = word[:-1]  # "stopp" -> "stop", "runn" -> "run"
    return word


def _build_synonyms() -> tuple[dict[str, str], list[tuple[re.Pattern[str], str]]]:
    """Single stems map directly; multi-word entries become phrase rewrites."""
    single: dict[str, str] = {}
    multi: list[tuple[re.Pattern[str], str]] = []
    for concept, words in SYNONYMS.items():
        for w in words:
            if " " in w:
                multi.append((re.compile(r"\b" + re.escape(w)), f" {concept} "))
            else:
                single.setdefault(stem(w), concept)
                single.setdefault(w, concept)
    return single, multi


_SINGLE, _MULTI = _build_synonyms()
# Longer concept stems also match as prefixes, so "summarise" and "summarizing" reach "summar".
_PREFIXES = sorted((k for k in _SINGLE if len(k) >= 5), key=len, reverse=True)


def _concept(word: str) -> str:
    """The concept token for one word: exact, stemmed, then by known prefix, else its stem."""
    found = _SINGLE.get(word) or _SINGLE.get(stem(word))
    if found:
        return found
    for prefix in _PREFIXES:
        if word.startswith(prefix):
            return _SINGLE[prefix]
    return stem(word)
_PHRASES = [(re.compile(p), r) for p, r in PHRASES]
_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def tokens(text: str) -> list[str]:
    """Normalise free text into concept tokens."""
    low = text.lower().replace("’", "'").replace("‘", "'")
    for pattern, repl in _PHRASES:
        low = pattern.sub(repl, low)
    for pattern, repl in _MULTI:
        low = pattern.sub(repl, low)
    low = re.sub(r"(\w)'(s|re|ve|ll|d|m|t)\b", r"\1", low)
    out: list[str] = []
    for word in _WORD.findall(low):
        for part in word.split("-") if word not in _SINGLE else [word]:
            if part in STOPWORDS or len(part) < 2:
                continue
            out.append(_concept(part))
    return out


def _tip_bag(tip: Tip) -> dict[str, float]:
    """Weighted term counts for one tip, across its fields."""
    bag: dict[str, float] = {}
    parts = {
        "text": tip.text,
        "situations": " . ".join(tip.situations),
        "skills": " ".join(SKILL_TITLES.get(s, s).replace("_", " ") for s in tip.skills),
        "example": tip.example,
    }
    for name, text in parts.items():
        for tok in tokens(text):
            bag[tok] = bag.get(tok, 0.0) + FIELD_WEIGHTS[name]
    return bag


class TipIndex:
    """BM25 over each tip's weighted bag of concept tokens; ties keep the catalogue's id order."""

    def __init__(self, tips: Sequence[Tip]) -> None:
        self.tips = list(tips)
        self.bags = [_tip_bag(t) for t in self.tips]
        self.lengths = [sum(b.values()) for b in self.bags]
        self.avg_len = (sum(self.lengths) / len(self.lengths)) if self.lengths else 1.0
        df: Counter[str] = Counter()
        for bag in self.bags:
            df.update(bag.keys())
        n = len(self.tips)
        self.idf = {t: math.log(1 + (n - c + 0.5) / (c + 0.5)) for t, c in df.items()}

    def scores(self, query: str) -> list[float]:
        """BM25 score of every tip for the query, in index order."""
        q = Counter(tokens(query))
        out: list[float] = []
        for bag, length in zip(self.bags, self.lengths, strict=True):
            norm = K1 * (1 - B + B * length / self.avg_len)
            score = 0.0
            for term, qf in q.items():
                tf = bag.get(term, 0.0)
                if tf:
                    score += self.idf[term] * tf * (K1 + 1) / (tf + norm) * (1 + 0.3 * (qf - 1))
            out.append(score)
        return out

    def search(self, query: str, k: int = 3) -> list[Tip]:
        """Top-k tips; with no matching word at all, the first k tips rather than nothing."""
        if k <= 0 or not self.tips:
            return []
        scored = self.scores(query)
        order = sorted(range(len(self.tips)), key=lambda i: (-scored[i], i))
        return [self.tips[i] for i in order[:k]]
