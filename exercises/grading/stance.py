"""Arguing that sounds like a reflection: a reply that makes the case FOR what the person is resisting.

'Logging calls protects you', 'It helps the whole team, though', 'She won't fail if she revises' are
statements about the person's situation, so they look reflective, but they take the other side. The
check is lenient: a benefit word counts only when it is not negated, not framed as the person's own view
('you're not sure it's worth it', 'it hasn't felt useful to you'), not in a question, and only when the
person themselves said nothing good about the status quo (then 'Smoking helps you relax' is their view).
"""

from __future__ import annotations

import re

from exercises.coder.features import normalise, split_sentences

_BENEFIT = re.compile(
    r"\b(helps?|helpful|useful|worth(?:while| it| doing| the effort)?|protects?|benefits?|beneficial|valuable|"
    r"important|essential|necessary|required|expected|mandatory|compulsory|pays? off|good for|improves?|"
    r"saves?|ensures?|makes? sure|effective|"
    r"(?:is|are|'s|'re) (?:a |an |the )?(?:legal |statutory )?(?:requirement|law|obligation)|"
    r"(?:won't|will not|wouldn't) (?:fail|struggle|regret)|"
    r"will (?:pass|succeed|improve|help)|there (?:for|to) (?:a|your) (?:reason|protection)|for a reason)\b",
    re.I,
)
_NEGATION = re.compile(
    r"\b(?:not|no|never|hardly|barely|than|less|instead|without|isn't|aren't|wasn't|doesn't|don't|didn't|"
    r"hasn't|haven't|won't|wouldn't|can't|cannot|nothing|little)\b|n't\b",
    re.I,
)
_THEIR_VIEW = re.compile(
    r"\b(?:you|she|he|they)(?:'ll| will| can| get to)? (?:decide|choose|judge|feel|feels|felt|think|thinks|"
    r"find|finds|wonder|wonders|doubt|doubts|question|"
    r"questions|can't see|don't see|doesn't see|aren't sure|isn't sure|'re not sure|'s not sure|"
    r"'re not convinced|aren't convinced|'s not convinced|reckon|see|believe|believes|'d rather|want|wants)\b|"
    r"\b(?:to|for) (?:you|her|him|them)\b|\bwhether\b|\bif it'?s?\b|\bsounds like\b|\bseems? like\b|"
    r"\b(?:you|she|he|they)(?:'d| would) (?:rather|prefer)\b|"
    r"\byou're (?:being )?(?:told|asked|expected)\b|\bsupposed to\b|\bit's meant\b",
    re.I,
)
_CLIENT_POSITIVE = re.compile(
    r"\b(?:relax\w*|calm\w*|enjoy\w*|love|like|helps?|works? for me|useful|fun|good|only thing|keeps me|"
    r"gets me through|need it|the best)\b",
    re.I,
)

# 'The dietitian is really good': vouching for the very thing they are pushing back on.
_PRAISE_OF_IT = re.compile(
    r"^(?:but |well,? |honestly,? |tbh,? )?(?:the|our|this|that|these|those) (?:\w+ ){0,2}(?:is|are|was|were)"
    r"(?: (?:really|very|honestly|actually|genuinely|so|pretty|quite))? (?:good|great|lovely|nice|helpful|"
    r"brilliant|excellent|useful|amazing|fantastic|worth it)\b",
    re.I,
)


_CLAUSE = re.compile(r"[,;:]|\b(?:and|but|though|although)\b", re.I)


_COUNTER_OPENER = re.compile(
    r"^(?:the )?(?:trouble|problem|catch|thing) is\b|^(?:then again|on the other hand|having said that|that said)\b|"
    r"^(?:but )?what about\b",
    re.I,
)


_TAIL_BREAK = re.compile(r"[,;:]|\b(?:and|but|though|although|if|when|because|unless)\b", re.I)


def counter_claim(reply: str, prompt: str) -> str | None:
    """The benefit phrase when the reply argues for the change the person is resisting, else None."""
    opener = _COUNTER_OPENER.search(normalise(reply))
    if opener:
        return opener.group(0)
    if _CLIENT_POSITIVE.search(normalise(prompt)):
        return None
    for sentence in split_sentences(reply) or [reply]:
        text = normalise(sentence)
        if text.rstrip().endswith("?"):
            continue
        praise = _PRAISE_OF_IT.search(text)
        if praise:
            return praise.group(0).strip(" ,.")
        for m in _BENEFIT.finditer(text):
            before = _CLAUSE.split(text[: m.start()])[-1]
            window = " ".join(before.split()[-4:])
            if _NEGATION.search(window):
                continue
            if _THEIR_VIEW.search(before) or _THEIR_VIEW.search(text[m.end(): m.end() + 12]):
                continue
            return _clause_around(before, text[m.start():])
    return None


def _clause_around(before: str, rest: str) -> str:
    """The clause holding the benefit word, short enough to quote ('Medication saves lives')."""
    tail = _TAIL_BREAK.split(rest)[0]
    words = (before + tail).split()
    lead = len(before.split())
    if len(words) > 9:
        words = words[max(0, lead - 3): lead + 4]
    return " ".join(words).strip(" ,.;:!?")


_THIRD_PARTY_SHOULD = re.compile(
    r"(?:^|[,;]\s*|\b(?:and|but|so)\s+)((?:they|he|she|the \w+(?: \w+)?|your \w+(?: \w+)?) "
    r"(?:should|ought to|must) (?!feel|be feeling|know)\w+)",
    re.I,
)


def third_party_should(reply: str) -> str | None:
    """'The US team should adjust…': a verdict on what others must do, said as a statement."""
    for sentence in split_sentences(reply) or [reply]:
        if sentence.rstrip().endswith("?"):
            continue
        m = _THIRD_PARTY_SHOULD.search(normalise(sentence))
        if m:
            return m.group(1)
    return None
