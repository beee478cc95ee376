"""More cue families, kept apart from cues.py so each module stays small.

Each family names a shape of speech, never a sentence: a generalisation about a whole class of people
('Even experienced managers can learn'), a benefit or harm asserted against the person's view, an
autonomy statement taken back by a 'but' that pushes, and the many ways a summary voices change talk
('a real longing to reconnect', 'some thought about going without', 'what you're after').
"""

from __future__ import annotations

import re


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


# Arguing the other side, in shapes cues.ARGUE does not cover.
ARGUE_MORE = _rx(
    r"(^even (?:the )?(?:\w+ ){0,2}(?:people|managers|experts|professionals|pros|teachers|nurses|doctors|"
    r"leaders|parents|athletes|adults|veterans|folk|the best) (?:can|could|need|still|benefit|struggle|get|"
    r"have to)\b|\b(?:he|she|they|it) (?:was|were|got) (?:just |probably |really )?lucky\b|"
    r"\bmost (?:people|folk|of us|smokers|drinkers) (?:aren't|don't|can't|won't|wouldn't|are not|do not)\b|"
    r"\b(?:only|just) (?:care|cares|worry|worries|love|loves) (?:about )?(?:you|him|her|them)\b|"
    r"\b(?:only|just) (?:worried|concerned|looking out) (?:about|for) (?:you|him|her|them)\b|"
    r",\s*you know\s*[.!]?\s*$|"
    r"^(?:every|all|most) (?:\w+ )?(?:teachers?|nurses?|parents?|managers?|people|reps?|doctors?|mums?|dads?|"
    r"students?|workers?|staff|employees?) (?!you\b)\w+s?\b|\bcomes with the (?:job|territory)\b|"
    r"\bpart and parcel\b|"
    r"\b(?:so )?we(?:'re| are) (?:both )?stuck with (?:each other|this|it)\b)"
)
# Judging the person or what they did, said as a verdict.
JUDGEMENT_MORE = _rx(
    r"(\b(?:that's|that was|that is|this is) (?:a bit |quite |very |so |really |pretty |totally )?"
    r"(?:unprofessional|unacceptable|inappropriate|out of order|not on|not okay|not ok|rude|"
    r"(?:wrong|bad|poor) of you)\b)"
)
# Advice in shapes cues.ADVICE does not cover: a conditional nudge, or a recommendation dressed as a fact.
ADVICE_MORE = _rx(
    r"(\b(?:maybe |perhaps )?you(?:'d| would) (?:get|do|find|feel|have) (?:\w+ ){0,4}(?:more|better|further|"
    r"easier)\b[^.]{0,30}\bif you\b|"
    r"\b(?:great|good|perfect|easy|ideal|best) (?:place|way) to (?:start|begin)\b|"
    r"\b(?:is|might be|would be|could be) worth (?:a )?(?:try|trying|a go|a shot|doing)\b)"
)
# Sarcasm or washing one's hands of them, alongside cues.SARCASM.
SARCASM_MORE = _rx(
    r"(\byou can always (?:just )?(?:stay|keep|carry on|be|go on)\b|"
    r"\bif you (?:want|'d like|would like|fancy|like) (?:to )?(?:keep|stay|carry on|go on|be|end up)\b|"
    r"\bif you (?:enjoy|like|love) (?:being|feeling|missing|losing)\b)"
)
# After an autonomy phrase, a contrast that pushes: the speaker's opinion, guilt, or a case for one side.
_CONTRAST = _rx(r"(?:,|;|\.{2,}|\s-)?\s*\b(?:but|though|although|however|except|only)\b")
_PUSH = _rx(
    r"(\bi (?:really |honestly |do |still |personally )?(?:think|reckon|feel|believe|know) (?:you|it|that|they)\b|"
    r"\byou (?:really |clearly |obviously )?(?:need|should|must|ought)\b|\bdisappoint\w*|\blet (?:\w+ )?down\b|"
    r"\b(?:won't|wouldn't|will not|would not) be (?:happy|pleased|impressed|thrilled)\b|"
    r"\b(?:safer|healthier|wiser|smarter|better off)\b|\bsaves? lives\b|\bregret\b|\b(?:silly|mad|crazy|daft)\b|"
    r"\bi(?:'d| would) (?:go|take|do|say|pick|choose)\b|\bif (?:i|it) were me\b)"
)


def autonomy_taken_back(reply: str, autonomy: str) -> str | None:
    """'It's your call, though everyone will be disappointed': the push after the choice, quoted."""
    at = reply.lower().find(autonomy.lower())
    if at < 0:
        return None
    rest = reply[at + len(autonomy):]
    turn = _CONTRAST.search(rest)
    if not turn:
        return None
    push = _PUSH.search(rest[turn.end():])
    if not push:
        return None
    return turn.group(0).strip(" ,;.-") + " " + " ".join(rest[turn.end():].split()[:6])


# A summary voicing change talk: desire, hope, readiness, curiosity, or a direction of change.
CHANGE_VOICE = _rx(
    r"(\blong(?:ing|s)? (?:to|for)\b|\byearn\w*|\bwish\w*|\beager\b|\bkeen\b|\bitching\b|\bdying to\b|"
    r"\b(?:'re|are|is) after\b|\bwhat you're after\b|\bcurious (?:about|what|whether|how|if)\b|"
    r"\binterested in\b|\bopen to\b|\btoying with\b|\btempt\w*|\bthoughts? (?:about|of)\b|"
    r"\bwhat (?:it|that|a \w+(?: \w+)?) (?:would|might) (?:be|feel) like\b|"
    r"\b(?:reclaim|regain|rebuild|restore|reconnect|recover|win back|earn back)\w*|"
    r"\b(?:get|getting|win|winning|bring|bringing|have|having|want|wanting)(?: \w+){0,3} back\b|"
    r"\bgoing without\b|\b(?:a )?break from\b|\btime off\b|\bcut(?:ting)? (?:back|down)\b|"
    r"\bready (?:for|to)\b|\bwilling to\b|\bmake (?:a )?change\b|\bfor (?:that|it|things) to change\b|"
    r"\bhoping (?:for|to)\b|\bhope (?:to|for)\b|\blove to\b|\b(?:would|'d) love\b)"
)
# A metaphor or image for their experience: one way a reflection goes beyond their words.
METAPHOR = _rx(
    r"(\b(?:a|some) (?:kind|sort) of (?!thing\b)\w+|\bkind of like\b|\bsafety net\b|\bcomfort blanket\b|"
    r"\blifeline\b|\bcrutch\b|\bescape hatch\b|\bpressure valve\b|\bsafety valve\b|\bbadge of honour\b)"
)
