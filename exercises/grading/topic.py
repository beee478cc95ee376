"""Is a rewritten question still about the original topic? Lenient by design.

A rewrite may use other words for the same thing ('the report' / 'the write-up', 'happy at work' /
'enjoying your job'), so the check stems words, expands them through the synonym map in text.py and
accepts prefix matches. Only a reply that names a topic of its own (a 'topical' word) and shares nothing
with the original question is called off-topic: a generic open question ('How do you feel about it?')
passes, because a false 'revise' on a good rewrite costs more than a lenient pass.
"""

from __future__ import annotations

import re

from exercises.grading.text import GENERIC, VERBISH, content_stems, expand, stem

# Generic words that still name a topic of their own when they are all a question is about
# ('What are you doing this weekend?' is not about the report).
_TOPICAL_GENERIC = frozenset(
    "weekend weekends tonight evening evenings holiday holidays lunch dinner breakfast".split()
)
_VACUOUS = frozenset(stem(w) for w in GENERIC - _TOPICAL_GENERIC) | frozenset(
    stem(w) for w in """end ends side bit plans plan idea ideas thoughts view views approach lately currently
    so far since start general usually typically far next one two three first second last along
    curious wonder wondering interested draw draws drawing drawn pull pulls pulling towards toward appeal
    appeals""".split()
)


def _prefix_link(a: str, refs: set[str]) -> bool:
    return any(len(a) >= 4 and len(b) >= 4 and (a.startswith(b[:5]) or b.startswith(a[:5])) for b in refs)


def question_off_topic(reply: str, *references: str) -> bool:
    """True when the reply names a topic of its own and shares no stem, synonym or prefix with the references."""
    topical = content_stems(reply) - _VACUOUS
    if not topical:
        return False
    ref: set[str] = set()
    for text in references:
        ref |= content_stems(text)
    if not ref:
        return False
    ref_all = expand(ref)
    for word in topical:
        if expand({word}) & ref_all or _prefix_link(word, ref_all):
            return False
    # A general word can still name the topic through a synonym ('the broken nights' for sleep).
    ref_topical = ref - _VACUOUS
    return not any((expand({w}) - {w}) & ref_topical for w in content_stems(reply) & _VACUOUS)


_DET = r"(?:the|your|this|that|my|our|his|her|their)"
_PHRASE = re.compile(rf"\b{_DET}\s+(?:(?!{_DET}\b)[a-z'-]+\s+){{0,2}}(?!{_DET}\b)[a-z'-]+", re.I)
_PHRASE_END = frozenset("""about to for with at on in of a an and or is are was were has have do does did will would
    can could we you i they he she it ever never really still just already always also even because so than then
    when while if too far ago look looks looked important""".split())
_DANGLING = frozenset("main whole same other only first last next own".split())  # 'the main': no topic yet
_FIRST_PERSON = {"my": "your", "our": "your", "mine": "yours"}


def topic_phrase(prompt: str) -> str | None:
    """A short noun phrase naming what the original question is about ('the quarterly report'), or None.

    The last phrase wins ('Did the team enjoy the away day?' is about the away day).
    """
    best: str | None = None
    for m in _PHRASE.finditer(prompt.strip()):
        kept: list[str] = []
        for i, word in enumerate(m.group(0).split()):
            low = word.lower()
            if i and (low in _PHRASE_END or low in VERBISH or low.endswith("ing") or "'" in low
                      or low in ("better", "worse", "well")):
                break
            kept.append(word)
        while len(kept) > 2 and (kept[-1].lower().endswith(("able", "ible", "ful", "ous", "ive", "ly"))
                                 or kept[-1].lower() in ("days", "weeks", "months", "years")):  # '... months ago'
            kept.pop()
        if len(kept) >= 2 and kept[-1].lower() not in _DANGLING:
            kept[0] = _FIRST_PERSON.get(kept[0].lower(), kept[0].lower())  # 'Your team' mid-sentence: 'your team'
            best = " ".join(kept)
    return best
