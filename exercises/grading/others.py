"""Grading affirmation, emphasize_autonomy and summary replies."""

from __future__ import annotations

import re
from collections.abc import Sequence

from exercises.coder import Coding
from exercises.coder.features import split_sentences
from exercises.grading import cues, families
from exercises.grading.base import REFLECTION_CODES, Assessment, is_question, mi_inconsistent, sentence_codes
from exercises.grading.cues import find, quote
from exercises.grading.families import CHANGE_VOICE, autonomy_taken_back
from exercises.grading.text import GENERIC_STEMS, content_stems, expand, overlap, stem, words

_PRAISE_WORDS = frozenset(
    "great good nice awesome amazing excellent fantastic brilliant super perfect wonderful job work well done "
    "proud impressed happy glad star best legend rock way stuff wow yay cool lovely kudos congrats congratulations "
    "love brilliant keep superstar rockstar hero genius champion champ ace".split()
)
_PRAISE_STEMS = frozenset(stem(p) for p in _PRAISE_WORDS)
_STRENGTH = re.compile(
    r"\b(took|takes|shows?|showed|courage|commit\w*|care\w*|persist\w*|kept|stuck|stepped|value\w*|"
    r"determin\w*|honest\w*|effort|patien\w*|resilien\w*|brave\w*|generous|thoughtful|skill\w*|strength|"
    r"dedicat\w*|creative|initiative|managed|handled|learn\w*|grow\w*|built|building|guts|tough|hard work|"
    r"worked|put in|made time|made room|reliab\w*|responsib\w*|integrity|caring|look out|listen\w*|"
    r"protect\w*|matters?|stick\w*|own\w*|saw it through|followed through|set (?:a|your) goal|"
    r"stood up|spoke up|noticed|went back|came back|follow\w* through|prepar\w*)\b",
    re.I,
)
_CLIENT_FOCUS = re.compile(r"\b(you|your|you're|you've|yourself)\b|^(that|it|this)\b", re.I)


_CLAUSE_BREAK = re.compile(r"[,;:.!?\u2014]|\s-\s|\b(?:and|but|which|so)\b", re.I)


def _strength_clause(reply: str, strength: re.Match[str]) -> str | None:
    """The clause around the strength word ('You stuck with it'), if it is short enough to quote well."""
    start = 0
    for m in _CLAUSE_BREAK.finditer(reply):
        if m.end() <= strength.start():
            start = m.end()
        elif m.start() >= strength.end():
            clause = reply[start:m.start()]
            break
    else:
        clause = reply[start:]
    clause = clause.strip(" ,;:.!?")
    n = len(clause.split())
    return clause if 3 <= n <= 9 else None


_BUT = re.compile(r"(?:,|;|\s-)?\s*\b(?:but|though|although|however|yet)\b", re.I)
_MINIMISER = re.compile(
    r"\b(?:not|isn't|aren't|wasn't|n't|only|just|still|need|needs|should|hopefully|next time|one|yet|"
    r"the (?:hard|real|tricky) (?:part|bit|test))\b",
    re.I,
)


def _taken_back(reply: str) -> str | None:
    """'You held firm, which is great, but one party isn't the hard part': praise first, then a 'but' that
    shrinks it. A 'but' that turns from the difficulty to the strength ('It was hard, but you did it') is fine."""
    m = _BUT.search(reply)
    if not m:
        return None
    before, after = reply[: m.start()], reply[m.end():]
    praised = _STRENGTH.search(before) or find(cues.GENERIC_PRAISE, before) or re.search(
        r"\b(?:great|good|brilliant|amazing|fantastic|excellent|impressive|well done)\b", before, re.I)
    if praised and _MINIMISER.search(after) and not _STRENGTH.search(after):
        return m.group(0).strip(" ,;-") + " " + " ".join(after.split()[:5])
    return None


def grade_affirmation(prompt: str, reply: str, answers: Sequence[str], coding: Coding) -> Assessment:
    a = Assessment()
    if is_question(reply):
        a.issues.append("An affirmation is a statement, not a question. Tell them the strength you noticed.")
    i_centred = find(cues.I_CENTRED, reply)
    if i_centred:
        a.issues.append(
            f"{quote(i_centred)} puts you at the centre, as if your approval were the point. Start with "
            "'You…' and name what they did or who they are."
        )
    backhanded = find(cues.BACKHANDED, reply) or find(families.BACKHANDED_MORE, reply)
    if backhanded:
        a.issues.append(
            f"{quote(backhanded)} turns it into a backhanded compliment: it points at what they haven't done. "
            "Keep it about the strength you see now."
        )
    taken_back = None if a.issues else _taken_back(reply)
    if taken_back:
        a.issues.append(
            f"{quote(taken_back)} takes back the praise you just gave: people remember the 'but'. Stop at the "
            "strength you saw."
        )
    mi_inconsistent(reply, a, prompt)
    reassure = find(cues.REASSURE, reply)
    if reassure:
        a.issues.append(
            f"{quote(reassure)} reassures rather than affirms. Name what they actually did, for example "
            "the effort or the choice it took."
        )
    specific = content_stems(reply) - _PRAISE_STEMS - GENERIC_STEMS
    praise = find(cues.GENERIC_PRAISE, reply)
    if not specific and not _STRENGTH.search(reply):
        a.issues.append(
            "It's general praise, so it could be said to anyone. Name the specific effort, strength or "
            "value you noticed, for example 'You went back to learn from it'."
        )
        a.recognisable = bool(praise)
    elif praise and not a.issues:
        a.tips.append(f"You could drop {quote(praise)}: the specific part carries the affirmation on its own.")
    if not _CLIENT_FOCUS.search(reply) and not _STRENGTH.search(reply) and not a.issues:
        a.issues.append("Make it about them: start with 'You…' so they hear what you see in them.")
    if not a.issues:
        strength = _STRENGTH.search(reply)
        shared, _ = overlap(reply, prompt, *answers)
        phrase = _strength_clause(reply, strength) if strength else None
        if phrase:
            a.good.append(f"It names something specific about them ({quote(phrase)}), which makes it believable.")
        elif strength:
            a.good.append("It names a specific strength of theirs, which makes it believable.")
        else:
            a.good.append("It's specific to them, not generic praise.")
        a.strong = bool(strength and shared)
    return a


def grade_emphasize_autonomy(prompt: str, reply: str, answers: Sequence[str], coding: Coding) -> Assessment:
    a = Assessment()
    sarcasm = find(cues.SARCASM, reply) or find(families.SARCASM_MORE, reply)
    if sarcasm:
        a.issues.append(
            f"{quote(sarcasm)} can sound sarcastic, as if you're washing your hands of them. Say it warmly: "
            "'It's your call, and I'm happy to help you think it through.'"
        )
    mi_inconsistent(reply, a, prompt, allow_imperative=True)
    autonomy = find(cues.AUTONOMY, reply)
    if not autonomy and not a.issues:
        if "open_question" in sentence_codes(coding):
            a.good.append("Asking what they want is a good instinct.")
        a.issues.append(
            "Make their choice explicit: say plainly that the decision is theirs, e.g. 'It's your call' or "
            "'You know your team best'."
        )
        a.recognisable = "open_question" in sentence_codes(coding)
    taken_back = autonomy_taken_back(reply, autonomy) if autonomy and not a.issues else None
    if taken_back and autonomy:
        a.good.append(f"{quote(autonomy)} is the right message.")
        a.issues.append(
            f"{quote(taken_back)} takes the choice back: people hear the push after the 'but'. Stop at "
            "the choice, or add an offer of help instead."
        )
    if not a.issues and autonomy:
        a.good.append(f"{quote(autonomy)} makes it clear the decision is theirs.")
        a.strong = True
    return a


_POINT = re.compile(r"\(\d+\)\s*([^;()]+)")


def _points(prompt: str) -> list[str]:
    found = [p.strip() for p in _POINT.findall(prompt) if p.strip()]
    if len(found) >= 2:
        return found
    parts = [p for p in re.split(r"[;\n]|(?<=[.!?])\s+", prompt) if len(words(p)) >= 3]
    return parts


def _links(word: str, point: set[str]) -> bool:
    if word in point or any(len(word) >= 5 and len(b) >= 5 and word[:5] == b[:5] for b in point):
        return True
    return bool(expand({word}) & point)


_NUMBER = re.compile(r"\d+(?:[:.,/]\d+)*%?")


def _covered(points: list[str], reply: str, generic: set[str]) -> list[str]:
    """Points the reply picks up; one reply word vouches for one point.

    First by distinctive words (shared stem, prefix or synonym). A point still uncovered may then be
    picked up by a shared figure ('2:1', '20') or by a general word it also uses, or a synonym of one
    ('the work is piling up' for 'working twenty hours'), so a paraphrase is not scored as a miss.
    """
    mine = content_stems(reply)
    numbers = set(_NUMBER.findall(reply))
    used: set[str] = set()
    out: list[str] = []
    for point in points:
        stems = content_stems(point) - generic
        direct = sorted(w for w in mine - used if w in stems)
        linked = direct or sorted(w for w in mine - used if _links(w, stems))
        if linked:
            used.add(linked[0])
            out.append(point)
    for point in points:
        if point in out:
            continue
        shared_numbers = numbers & set(_NUMBER.findall(point)) - used
        every = content_stems(point)
        loose = sorted(shared_numbers) or sorted(w for w in (mine & generic) - used if w in every or _links(w, every))
        if loose:
            used.add(loose[0])
            out.append(point)
    return [p for p in points if p in out]


# A point where the client voices change talk: wanting, planning or weighing something different.
_CHANGE_POINT = re.compile(
    r"\b(?:wants?|wanted|wanting|(?:would|'d) (?:really |quite )?(?:like|love)|aim\w*|"
    r"going for|goal|thinking (?:about|of)|considering|planning|plans?|hopes?|hoping|"
    r"ready|going to|intends?|applying|looking (?:at|for|into)|wishes|wish|trying to|keen to|appeals?|tempt\w*|"
    r"on your mind|drawn to|weigh\w*|whether to|wonder\w* (?:about|whether|if)|curious (?:about|whether|if))\b",
    re.I,
)


def grade_summary(prompt: str, reply: str, answers: Sequence[str], coding: Coding) -> Assessment:
    a = Assessment()
    n_words = len(words(reply))
    points = _points(prompt)
    generic = set(GENERIC_STEMS)
    covered = _covered(points, reply, generic) if points else []
    mi_inconsistent(reply, a, prompt)
    reassure = find(cues.REASSURE, reply)
    if reassure:
        a.issues.append(
            f"{quote(reassure)} reassures, which can skip past what they told you. Play their points back "
            "as they said them."
        )
    codes = sentence_codes(coding)
    questions_only = (all(c in ("open_question", "closed_question") for c in codes) and bool(codes)
                      and len(covered) < 2)
    if questions_only:
        a.issues.append("A summary gathers what they said before asking anything. Start by playing back "
                        "their main points.")
        a.recognisable = False
    last = (split_sentences(reply) or [reply])[-1]
    if find(cues.NEUTRAL_WHY, last) and "?" in last:
        a.issues.append(
            "It ends with a 'why' question, which asks them to justify themselves. Close with an invitation "
            "such as 'What did I miss?' instead."
        )
    if questions_only:
        pass
    elif n_words < 8 or (n_words < 12 and len(covered) < 2):
        a.issues.append("It's too short to be a summary. Gather two or three of the things they told you.")
    elif n_words > 170:
        a.issues.append("It's long for a summary. Keep the two or three points that matter most, in about "
                        "three sentences, so it's easy to take in.")
    need = min(2, len(points)) if points else 0
    clauses = len(re.findall(r"[,;.]|\band\b|\bbut\b", reply))
    if points and len(covered) < need and not (covered and clauses >= 3) and not questions_only:
        a.issues.append(
            "It picks up only one of the things they said. A summary gathers several points, so they hear "
            "the whole picture."
        )
    change_points = [p for p in points if _CHANGE_POINT.search(p)] if len(points) >= 3 else []
    voices_change = bool(_CHANGE_POINT.search(reply) or CHANGE_VOICE.search(reply) or find(cues.CHANGE_TALK, reply)
                         or find(cues.VALUES, reply))
    if change_points and not a.issues and not voices_change and not any(p in covered for p in change_points):
        a.good.append(f"It gathers {len(covered)} of their points.")
        a.issues.append(
            "It leaves out what they said they want to change. In MI the summary's job is to collect their "
            "change talk, so put that point in, ideally last."
        )
    if not a.issues:
        a.good.append(f"It brings together {len(covered) if covered else 'several'} of their points, so they "
                      "can hear the bigger picture.")
        invite = find(cues.INVITATION, split_sentences(reply)[-1] if split_sentences(reply) else reply)
        change = find(cues.CHANGE_TALK, reply)
        if change:
            a.good.append(f"{quote(change)} highlights what they want to change.")
        if invite:
            a.good.append(f"Ending with {quote(invite)} invites them to correct or add to it.")
        else:
            a.tips.append("Finish with an invitation such as 'What did I miss?' so they can correct you.")
        a.strong = bool(invite) and (not points or len(covered) >= min(3, len(points)))
        if not (set(codes) & REFLECTION_CODES) and not a.tips:
            a.tips.append("Phrase the points as 'You…' statements so it sounds like their story, not a report.")
    return a
