"""More cue families, kept apart from cues.py so each module stays small.

Each family names a shape of speech, never a sentence: a generalisation about a whole class of people
('Even experienced managers can learn'), a benefit or harm asserted against the person's view, an
autonomy statement taken back by a 'but' that pushes, and the many ways a summary voices change talk
('a real longing to reconnect', 'some thought about going without', 'what you're after').
"""

from __future__ import annotations

from exercises.grading.cues import _rx

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
    r"\b(?:is|might be|would be|could be) worth (?:a )?(?:try|trying|a go|a shot|doing)\b|"
    r"\b(?:it )?(?:might|may|could) be time (?:for you )?to\b|\bmaybe it's time (?:for you )?to\b|"
    r"\byou(?:'d| would) be (?:so much |much |a lot |far )?(?:healthier|happier|safer|better off|fitter) if you\b)"
)
# Sarcasm or washing one's hands of them, alongside cues.SARCASM.
SARCASM_MORE = _rx(
    r"(\byou can always (?:just )?(?:stay|keep|carry on|be|go on)\b|"
    r"\bif you (?:want|'d like|would like|fancy|like) (?:to )?(?:keep|stay|carry on|go on|be|end up)\b|"
    r"\bif you (?:enjoy|like|love) (?:being|feeling|missing|losing)\b|\byour \w+,? not mine\b|"
    r"\bnot my (?:\w+ )?(?:problem|body|knees|life|funeral|business|worry)\b)"
)
# After an autonomy phrase, a contrast that pushes: the speaker's opinion, guilt, or a case for one side.
_CONTRAST = _rx(r"(?:,|;|\.{2,}|\s-)?\s*\b(?:but|though|although|however|except|only|as long as|provided)\b")
_PUSH = _rx(
    r"(\bi (?:really |honestly |do |still |personally )?(?:think|reckon|feel|believe|know) (?:you|it|that|they)\b|"
    r"\byou (?:really |clearly |obviously )?(?:need|should|must|ought)\b|\bdisappoint\w*|\blet (?:\w+ )?down\b|"
    r"\b(?:won't|wouldn't|will not|would not) be (?:happy|pleased|impressed|thrilled)\b|"
    r"\b(?:safer|healthier|wiser|smarter|better off)\b|\bsaves? lives\b|\bregret\b|\b(?:silly|mad|crazy|daft)\b|"
    r"\bi(?:'d| would) (?:go|take|do|say|pick|choose)\b|\bif (?:i|it) were me\b|"
    r"\byou (?:might|may|could|would) (?:want|wish|like) to\b|\b(?:legally|technically|realistically)\b|"
    r"\bthe right (?:choice|decision|thing|call|answer)\b|\bwast(?:e|ed|es|ing)\b)"
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


# First-person experience offered in place of theirs: 'I felt the same when I started', 'My first year was
# like that too'. Only past or shared experience counts, so 'I hear…', 'I wonder…' stay reflective.
SELF_DISCLOSURE_MORE = _rx(
    r"(\b(?:i (?:felt|was|had|did|went|got|used to|'ve (?:been|felt|had))|(?:my|our)(?: \w+){1,2} (?:was|were|did|had)|"
    r"(?:same|so) (?:was|did) i)\b(?:(?!\byou)[^.?!]){0,40}\b(?:too|the same|as well|like that|like this)\b|"
    r"\bwhen i (?:started|first|was|began|had|did|went|joined|got)\b|^i (?:felt|was|had|went|did)\b)"
)
# Doubt they voice, said back: 'hard to believe you deserve it' reflects the doubt, it doesn't reassure.
DOUBT_FRAME = _rx(
    r"\b(?:hard|difficult|tough) to (?:believe|accept|trust|see|feel)|\bnot (?:sure|convinced|certain)|"
    r"\bdoubt\w*|\bwonder\w* (?:whether|if)|\bquestion\w* (?:whether|if)|\bwhether\b|"
    r"\b(?:don't|doesn't|can't|cannot|didn't) (?:feel|believe|see|think|trust)\b|\bstruggl\w* to\b"
)
# 'You never know where you stand': an experience the client described, when they described it as recurring.
EXPERIENCE_ALWAYS = _rx(
    r"\byou (?:never|always) (?:quite |really |seem to )?(?:know|get|hear|seem|feel|find|see|have|can)\b"
)
RECURRING = _rx(
    r"\b(?:keeps?|kept|always|never|ever|every (?:time|day|week|shift)|constantly|again|all the time|"
    r"last[- ]minute|over and over|each time)\b"
)
# Normalising, and consequences pinned on them, in shapes cues.REASSURE and cues.WARN do not cover.
REASSURE_MORE = _rx(
    r"(\b(?:everyone|everybody|we all|all of us)(?:'s| is| was| gets| got| feels| felt| are)? (?:a (?:bit|little) )?"
    r"(?:nervous|scared|anxious|worried|unsure|awkward|shy|terrified|frightened|the same|like that)\b|"
    r"\bthey (?:hired|chose|picked|promoted) you for a reason\b)"
)
WARN_MORE = _rx(
    r"(\b(?:it's|it is|it'll be|that'll be|it would be|it'd be|that's) (?:all )?(?:on you|on your head)\b|"
    r"\bif (?:someone|anyone|somebody|something) (?:gets?|got|goes|went) (?:hurt|injured|wrong|ill|sick|killed)\b)"
)
# A compliment that points at the delay or the past: 'took you long enough', 'better late than never'.
BACKHANDED_MORE = _rx(
    r"(\b(?:took|taken|taking) (?:you|them|her|him) (?:long enough|ages|forever|a while|long)\b|"
    r"\bbetter late than never\b|\blong overdue\b|\bwhat took you\b|"
    r"\b(?:get|got|getting) (?:a)?round to it\b|\bmakes? my (?:job|life|day|week) easier\b)"
)


def contradicts_self_label(reply: str, prompt: str) -> str | None:
    """'You're not a fraud': denying the very label the client gave themselves is reassurance, not reflection."""
    labels = {m.group(1).lower() for m in _SELF_LABEL.finditer(prompt)}
    for m in _NOT_LABEL.finditer(reply):
        if m.group(2).lower() in labels:
            return m.group(1)
    return None


_SELF_LABEL = _rx(r"\b(?:i'm|i am|i feel like|i'm such|i've been|i was)(?: such)?"
                  r"(?: an?| so| the| a total| a complete)? (\w+)")
_NOT_LABEL = _rx(r"(\byou(?:'re| are)(?: not|n't)(?: an?| so| the)? (\w+))")
