"""Grading the reflective kinds: reflection, complex_reflection, roll_with_resistance, develop_discrepancy."""

from __future__ import annotations

import re
from collections.abc import Sequence

from exercises.coder import Coding
from exercises.grading import cues
from exercises.grading.base import (
    QUESTION_CODES,
    REFLECTION_CODES,
    Assessment,
    find_new,
    is_question,
    mi_inconsistent,
    sentence_codes,
    statement_checks,
)
from exercises.grading.cues import find, quote
from exercises.grading.families import METAPHOR, REASSURE_MORE
from exercises.grading.stance import counter_claim
from exercises.grading.text import (
    GENERIC_STEMS,
    content_stems,
    looks_off_topic,
    overlap,
    parrot_ratio,
    stem,
    words,
)

_YOU_WORD = re.compile(r"\b(you|your|you're|you've|you'd|yourself)\b", re.I)
_TWO_CLAUSES = re.compile(r"\w[^.;]{12,}(?:,\s*(?:and|but|while|yet)|\s(?:but|while|yet))\s+\w[^.;]{8,}", re.I)
_REFLECTIVE_OPENER = re.compile(
    r"^(?:so\b|and so\b|that's\b|that must\b|that sounds\b|sounds\b|it sounds\b|it seems\b|seems\b|"
    r"what i'm hearing\b|i'm hearing\b|i hear\b|"
    r"i wonder\b|maybe\b|perhaps\b|i guess\b|you\b|your\b)",
    re.I,
)
# Anything that could hold a second side: a clause break or a joining word.
_SECOND_CLAUSE = re.compile(r"[;,.:\u2014](?=\s*\w)|\s-\s|\b(?:and|but|while|though|yet|when|whereas)\b", re.I)
# A feeling word alone in a bare frame ('That sounds annoying.', 'You're gutted.'): simple, not complex.
_BARE_FEELING = re.compile(
    r"^(?:(?:that|it|this)(?:'s| is)?\s+)?(?:sounds|seems|must be|must feel|feels|is|you(?:'re| are| feel| sound))"
    r"\s+(?:really |so |very |pretty |quite |a bit |incredibly )?[\w-]+[.!]?$",
    re.I,
)
_YOU = re.compile(r"\b(you|your|you're|you've|you'd|yourself)\b|^(it|that|this|sounds|seems|so)\b", re.I)


def _reflective(reply: str, coding: Coding, prompt: str = "") -> bool:
    """Lenient: anything that sounds like it is about the person and what they said counts."""
    codes = set(sentence_codes(coding))
    if codes & REFLECTION_CODES or _YOU.search(reply) or find(cues.FEELING, reply):
        return True
    if re.search(r"\bfe(?:el|els|eling|lt)\b", reply, re.I):
        return True
    shared, _ = overlap(reply, prompt)
    return bool(shared - GENERIC_STEMS)


def _own_words(phrase: str, prompt: str) -> bool:
    """True when every content word of the phrase is one the client used ('you want' after 'I want')."""
    mine = {stem(w) for w in words(phrase)} - _PRONOUN_STEMS
    return bool(mine) and mine <= {stem(w) for w in words(prompt)}


_PRONOUN_STEMS = frozenset(stem(w) for w in ("you", "your", "you're", "to", "i", "me", "my", "the", "a"))


def _added_meaning(prompt: str, reply: str, coding: Coding) -> list[str]:
    """Reasons the reply goes beyond the client's words (what makes a reflection complex).

    A cue the client used first ('I feel like…') is their meaning, not an addition, so it does not count.
    """
    reasons: list[str] = []
    amb = find_new(cues.AMBIVALENCE, reply, prompt)
    if amb and amb.lower() not in ("still",):
        reasons.append(f"{quote(amb)} holds both sides of what they feel")
    feel = find(cues.FEELING, reply)
    if feel and not (overlap(feel, prompt)[0]):
        reasons.append(f"naming {quote(feel, capital=False)} puts words to a feeling they hadn't named")
    meaning = find_new(cues.ADDED_MEANING, reply, prompt)
    if meaning:
        reasons.append(f"{quote(meaning)} offers a guess at what lies underneath")
    image = find_new(METAPHOR, reply, prompt)
    if image and not reasons:
        reasons.append(f"{quote(image)} offers an image for what it's like for them")
    value = find_new(cues.VALUES, reply, prompt)
    if value and _own_words(value, prompt):
        value = None
    if value and not reasons:
        reasons.append(f"{quote(value)} links it to what matters to them")
    if not reasons and _TWO_CLAUSES.search(reply) and parrot_ratio(reply, prompt) < 0.5:
        reasons.append("it puts two sides of their experience next to each other")
    if not reasons and any(c == "complex_reflection" and p >= 0.35 for _, c, p in coding.sentences):
        reasons.append("it goes a step beyond their words")
    return reasons


def grade_reflection(prompt: str, reply: str, answers: Sequence[str], coding: Coding,
                     *, complex_: bool = False) -> Assessment:
    a = Assessment()
    statement_checks(reply, a, prompt)
    mi_inconsistent(reply, a, prompt)
    if not _reflective(reply, coding, prompt) and not a.issues:
        a.issues.append(
            "This doesn't reflect what the person said yet. Try saying back the heart of it, for example "
            "starting with 'You…' or 'It sounds like…'."
        )
        a.recognisable = False
    sees_reflection = bool(set(sentence_codes(coding)) & REFLECTION_CODES)
    if (not sees_reflection and not find(cues.FEELING, reply) and not _REFLECTIVE_OPENER.search(reply)
            and looks_off_topic(reply, prompt, *answers, min_distinctive=4)):
        a.issues.append(
            "It seems to be about something other than what the person said. Stay close to their words "
            "and meaning."
        )
    reasons = _added_meaning(prompt, reply, coding)
    ratio = parrot_ratio(reply, prompt)
    if complex_ and _BARE_FEELING.match(reply.strip()):
        reasons = []  # 'That sounds annoying': a simple feeling reflection, nothing added around it
    if complex_ and ratio >= 0.65:
        # Mostly the client's own words: only an explicit added feeling, meaning or both-sidedness counts.
        reasons = [r for r in reasons if "links it to" not in r and "a step beyond" not in r]
    if complex_:
        if not reasons and not a.issues:
            if ratio >= 0.6:
                a.good.append("It's an accurate simple reflection: you clearly heard them.")
                a.issues.append(
                    "For a complex reflection, add something: the feeling behind it, what it means to them, "
                    "or both sides of their mixed feelings ('Part of you…, and part of you…')."
                )
            else:
                a.good.append("It's a fair rephrase of what they said.")
                a.issues.append(
                    "It stays close to the surface. Go one step further: guess at the feeling or the value "
                    "underneath, or hold both sides of what they feel."
                )
        elif not a.issues:
            a.good.append(f"This is a complex reflection: {reasons[0]}.")
            a.strong = True
    elif not a.issues:
        if reasons:
            a.good.append(f"A strong reflection: {reasons[0]}.")
            a.strong = True
        else:
            a.good.append("It's a clear reflection: a statement that says back what you heard.")
            a.strong = True
    elif (not a.good and not is_question(reply) and _reflective(reply, coding, prompt)
          and not find(cues.JUDGEMENT, reply)):
        a.good.insert(0, "You're responding to what they said, which is the right place to start.")
    return a


def _acknowledges(reply: str) -> bool:
    """A statement that names a feeling or offers a guess at what it means to them."""
    if is_question(reply):
        return False
    return bool(find(cues.FEELING, reply) or find(cues.ADDED_MEANING, reply) or _HEDGE.search(reply))


# A tentative statement of how things look to them ('stopping seems like the only sensible option').
_HEDGE = re.compile(r"\b(?:seems?|sounds?|looks?) (?:like|as if|as though)\b|\bseems? (?:to|the|a|an)\b", re.I)


def grade_roll_with_resistance(prompt: str, reply: str, answers: Sequence[str], coding: Coding) -> Assessment:
    a = Assessment()
    pushing = mi_inconsistent(reply, a, prompt)
    leading = find(cues.LEADING, reply)
    if leading:
        a.issues.append(f"{quote(leading)} is a leading question, which argues in disguise.")
    why = find(cues.JUDGING_WHY, reply)
    if why:
        a.issues.append(f"{quote(why)} asks them to justify themselves, which tends to dig them in deeper.")
    reassure = find(cues.REASSURE, reply) or find(REASSURE_MORE, reply)
    if reassure:
        a.issues.append(f"{quote(reassure)} reassures rather than acknowledging their concern.")
    claim = None if a.issues or find(cues.AUTONOMY, reply) else counter_claim(reply, prompt)
    if claim:
        a.issues.append(
            f"{quote(claim)} makes the case for the other side. When we argue for change, people tend to "
            "argue back; reflect their view of it instead."
        )
    codes = sentence_codes(coding)
    autonomy = find(cues.AUTONOMY, reply)
    reflects = bool(set(codes) & REFLECTION_CODES) or _acknowledges(reply)
    asks = bool(set(codes) & QUESTION_CODES) and not reflects and not autonomy
    if not a.issues:
        if autonomy:
            a.good.append(f"{quote(autonomy)} hands the choice back to them, which lowers the pressure.")
            a.strong = True
        if reflects or (_YOU_WORD.search(reply) and not is_question(reply)):
            a.good.insert(0, "You acknowledge their view instead of arguing with it.")
            a.strong = True
        if asks and not a.good:
            if "closed_question" in codes and "open_question" not in codes:
                a.issues.append(
                    "A yes/no question here can feel like a trap. Reflect their concern first, or hand "
                    "them the choice."
                )
            else:
                a.good.append("You stay curious instead of arguing back.")
                a.tips.append("Reflecting their concern before you ask shows you heard it first.")
        if not a.good and not a.issues:
            a.issues.append(
                "It doesn't yet show you heard their objection. Try reflecting it ('You're not convinced "
                "this is worth the time') or handing them the choice."
            )
            a.recognisable = False
    elif pushing and not a.good:
        a.issues.append("When someone pushes back, pushing harder usually makes them dig in.")
    if (not reflects and not autonomy and not _YOU.search(reply)
            and looks_off_topic(reply, prompt, *answers, min_distinctive=4)):
        a.issues.append("Stay with what they just said; the reply drifts to another topic.")
    return a


def grade_develop_discrepancy(prompt: str, reply: str, answers: Sequence[str], coding: Coding) -> Assessment:
    a = Assessment()
    mi_inconsistent(reply, a, prompt)
    leading = find(cues.LEADING, reply)
    if leading:
        a.issues.append(
            f"{quote(leading)} is a leading question. It points at the gap for them, which feels like a "
            "lecture; let them see it themselves."
        )
    why = find(cues.JUDGING_WHY, reply)
    if why:
        a.issues.append(f"{quote(why)} puts them on the spot; they'll defend rather than reflect.")
    forced = find(cues.FORCED_CHOICE, reply)
    if forced and not a.issues:
        a.issues.append(
            "Asking them to pick one side makes it a test with a right answer. Put both sides next to each other "
            "instead: 'How does… fit with…?'"
        )
    you_say = re.search(r"\byou (?:say|said|claim) (?:you|that)\b.*\bbut\b", reply, re.I)
    if you_say and not a.issues:
        a.issues.append(
            "'You say…, but…' can sound like catching them out. Try 'You want…, and right now…' so both "
            "sides sit side by side without a verdict."
        )
    codes = set(sentence_codes(coding))
    value = find(cues.VALUES, reply)
    link = find(cues.JUXTAPOSE, reply)
    asks_open = "open_question" in codes or bool(find(cues.OPEN_REQUEST, reply))
    if not a.issues:
        if "closed_question" in codes and not asks_open and not (codes & REFLECTION_CODES):
            a.issues.append(
                "A yes/no question lets them answer without looking at the gap. Try 'How does… fit with…?' "
                "or reflect both sides."
            )
        elif value and not link and not asks_open and not _SECOND_CLAUSE.search(reply):
            a.good.append(f"{quote(value)} names what matters to them.")
            a.issues.append(
                "Now set it beside what's happening, so the gap shows: 'You want…, and at the moment…' or "
                "'How does… fit with…?'."
            )
        elif value or link or (codes & REFLECTION_CODES and len(content_stems(reply)) >= 4):
            # Lenient on purpose: two clauses side by side about their goal and their situation pass.
            part = "places what matters to them next to what's happening"
            a.good.append(f"It {part}, without telling them what to conclude.")
            a.strong = bool(value and link)
            if not value:
                a.tips.append("Naming the value or goal itself ('Being reliable matters to you…') makes the "
                              "gap easier to see.")
        elif asks_open:
            a.good.append("It's an open question, so they do the thinking.")
            a.tips.append("Tie it to what they care about ('How does this fit with…?') so the gap shows.")
        else:
            a.issues.append(
                "It doesn't yet put their goal and their current situation side by side. Try 'You want…, "
                "and at the moment…' or 'How does… fit with…?'."
            )
    if (not value and not _REFLECTIVE_OPENER.search(reply)
            and looks_off_topic(reply, prompt, *answers, min_distinctive=3)):
        a.issues.append("Stay with the goal and the behaviour they described; this drifts elsewhere.")
    return a
