"""What every kind's assessment produces, and checks several kinds share."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from exercises.coder import Coding
from exercises.coder.features import split_sentences
from exercises.grading import cues, families
from exercises.grading.cues import find, quote
from exercises.grading.stance import third_party_should
from exercises.grading.text import swap_person

QUESTION_CODES = frozenset({"open_question", "closed_question"})
REFLECTION_CODES = frozenset({"simple_reflection", "complex_reflection"})

ADVICE_MODAL = re.compile(
    r"((?<!what )\byou (?:should|ought to|must|need to|have to|had better|gotta|'ve got to|just need to)\b|"
    r"\byou'd (?:better|be better off)\b|\bwhy (?:don't|not|wouldn't) you\b|\bif i were you\b|\bmy advice\b|"
    r"\bi (?:recommend|suggest|'d recommend|'d suggest|would suggest|would recommend|think you should)\b|"
    r"\bhave you (?:tried|considered|thought about)\b|\bhow about (?:you|trying|just)\b|"
    r"\bit's time (?:to|for "
    r"you to|you)\b|\bmaybe you (?:could|should|can|need|might)\b)",
    re.IGNORECASE,
)
# A yes/no question typed without its question mark ('have you flagged it to anyone').
_ASKS_YOU = re.compile(
    r"^(?:so,? |and |but |ok,? |okay,? )?((?:do|does|did|have|has|are|were|will|would|can|could|is|was)(?:n't)? "
    r"you)\b",
    re.IGNORECASE,
)
_UNDERSTAND_ONLY = re.compile(
    r"^(?:i (?:totally |completely |really )?(?:understand|get it|hear you|know how you feel|see)|"
    r"that makes sense|i'm sorry(?: to hear that)?|okay|ok|right|got it)[.! ]*$",
    re.IGNORECASE,
)


# Cue set -> what the feedback says after quoting the phrase, checked in this order (advice comes first).
# A None pattern is the 'they should…' verdict about other people, only worth naming when nothing more
# direct was found first.
_ADVICE_FEEDBACK = ("gives advice. Advice before the person asks for it tends to invite a 'yes, but…'. Leave "
                    "the solution with them for now.")
_PUSHING_CUES: tuple[tuple[re.Pattern[str] | None, str], ...] = (
    (cues.WARN, "sounds like a warning. Warnings usually make people defend the status quo; leave out "
     "the consequences."),
    (families.WARN_MORE, "sounds like a warning. Warnings usually make people defend the status quo; leave out "
     "the consequences."),
    (None, "tells them what ought to happen. Stay with what they feel and want, and leave the "
     "verdict to them."),
    (cues.JUDGEMENT, "carries a judgement, and judgement makes people defensive. Describe what you "
     "heard without grading it."),
    (families.JUDGEMENT_MORE, "carries a judgement, and judgement makes people defensive. Describe what you "
     "heard without grading it."),
    (cues.ARGUE, "argues the other side. When we argue for change, the other person tends to argue "
     "against it; try reflecting their view instead."),
    (families.ARGUE_MORE, "argues the other side. When we argue for change, the other person tends to argue "
     "against it; try reflecting their view instead."),
    (cues.PERSUADE, "is persuasion. Trying to convince someone usually strengthens their doubts; "
     "let them find their own reasons."),
)


@dataclass
class Assessment:
    """The grader's notes on one reply: what works, what blocks a pass, and optional polish."""

    good: list[str] = field(default_factory=list)
    issues: list[str] = field(default_factory=list)
    tips: list[str] = field(default_factory=list)
    strong: bool = False
    recognisable: bool = True  # False when the reply is not even the right kind of move (score 0)

    def verdict(self) -> tuple[str, int]:
        if self.issues:
            return "revise", (1 if self.recognisable else 0)
        return "pass", (3 if self.strong and not self.tips else 2)

    def lines(self) -> tuple[str, ...]:
        return tuple(self.good + self.issues + self.tips)


def is_question(text: str) -> bool:
    return "?" in text


def sentence_codes(coding: Coding) -> list[str]:
    return [c for _, c, _ in coding.sentences]


def find_new(pattern: re.Pattern[str], reply: str, prompt: str) -> str | None:
    """Like cues.find, but ignore phrases the client used first: quoting them is not the learner's stance."""
    phrase = None
    for sentence in split_sentences(reply) or [reply]:
        phrase = find(pattern, sentence)
        if phrase:
            break
    if phrase and prompt:
        low = phrase.lower()
        if low in prompt.lower() or low in swap_person(prompt).lower():
            return None
    return phrase


def mi_inconsistent(reply: str, a: Assessment, prompt: str = "", *, allow_imperative: bool = False) -> bool:
    """Flag advice, warnings, judgement, arguing and persuasion; True when something was found."""
    found = False
    advice = ADVICE_MODAL if allow_imperative else cues.ADVICE
    said: set[str] = set()
    for pattern, message in ((advice, _ADVICE_FEEDBACK), (families.ADVICE_MORE, _ADVICE_FEEDBACK), *_PUSHING_CUES):
        if message in said:
            continue
        text = reply
        if pattern is cues.JUDGEMENT and families.RECURRING.search(prompt):
            text = families.EXPERIENCE_ALWAYS.sub("you", reply)  # 'you never know where you stand' restates them
        phrase = (None if found else third_party_should(reply)) if pattern is None else find_new(pattern, text, prompt)
        if phrase:
            a.issues.append(f"{quote(phrase)} {message}")
            said.add(message)
            found = True
    return found


def statement_checks(reply: str, a: Assessment, prompt: str = "", *, allow_question: bool = False) -> None:
    """Problems that stop a reply working as a reflection-style statement."""
    asks = find(cues.CLOSED_OPENER, reply) or find(cues.OPEN_WH, reply) or find(cues.NEUTRAL_WHY, reply)
    if not allow_question and is_question(reply) and asks:
        a.issues.append(
            f"It opens with {quote(asks)}, so it's a question rather than a reflection. A reflection says back "
            "what you heard as a statement, so the person feels understood before being asked anything."
        )
    elif not allow_question and (asks_you := _ASKS_YOU.match(reply.strip())):
        a.issues.append(
            f"It opens with {quote(asks_you.group(1))}, so it reads as a question even "
            "without a question mark. Say back what you heard as a statement instead."
        )
    elif not allow_question and is_question(reply):
        a.issues.append(
            "It ends with a question mark, so it lands as a question. Say it as a statement, with your "
            "voice going down at the end: reflections work best when they don't ask for a yes or no."
        )
    reassure = find_new(cues.REASSURE, reply, prompt) or find_new(families.REASSURE_MORE, reply, prompt)
    if reassure and families.DOUBT_FRAME.search(_before(reply, reassure)):
        reassure = None  # 'hard to believe you deserve it' reflects their doubt
    reassure = reassure or families.contradicts_self_label(reply, prompt)
    if reassure:
        a.issues.append(
            f"{quote(reassure)} reassures. It's kind, but it can skip past what the person feels; "
            "reflect the feeling first."
        )
    disclosure = find_new(cues.SELF_DISCLOSURE, reply, prompt) or find_new(families.SELF_DISCLOSURE_MORE, reply,
                                                                               prompt)
    if disclosure:
        a.issues.append(
            f"{quote(disclosure)} moves the focus to you. Keep the spotlight on their experience."
        )
    if _UNDERSTAND_ONLY.match(reply.strip()):
        a.issues.append(
            "Saying you understand is different from showing it. Put what you heard into words, "
            "starting with 'You…' or 'It sounds like…'."
        )
        a.recognisable = False


def _before(reply: str, phrase: str) -> str:
    """The words before a found phrase in the same sentence, lower-cased."""
    low = reply.lower()
    at = low.find(phrase.lower())
    head = low[:at] if at >= 0 else ""
    return re.split(r"[.!?;]", head)[-1]
