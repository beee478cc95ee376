"""Surface cues the grader looks for: each returns the matched phrase (for quoting in feedback) or None.

Quoting the learner's own words back makes feedback specific: "It opens with 'Do you'..." beats
"this is closed".
"""

from __future__ import annotations

import re

from exercises.coder.features import normalise


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


CLOSED_OPENER = _rx(
    r"^(?:so,? |and |but |okay,? |ok,? |well,? )?((?:do|does|did|is|are|was|were|have|has|had|will|"
    r"would|"
    r"should|can|could|shall|may|might|am)(?:n't)?\s+(?:you|we|i|it|they|he|she|that|this|there|"
    r"your|the|"
    r"things|anyone|anything|everyone|any|people|someone|she|he)\b)"
)
OPEN_REQUEST = _rx(
    r"^(?:so,? |and |okay,? |ok,? )?((?:could|can|would|will) you (?:please )?(?:tell me|describe|"
    r"walk me|"
    r"talk me|say (?:a bit |a little )?more|explain|share|help me understand|paint|give me a sense)|"
    r"(?:please )?(?:tell me|describe|walk me through|talk me through|help me understand|"
    r"i'd (?:love|like) "
    r"to hear|i'm curious|i wonder)\b)"
)
OPEN_WH = _rx(r"^(?:so,? |and |okay,? |ok,? |well,? |now,? )?(what|how|in what ways?|which|where|when you)\b")
CLOSED_WH = _rx(
    r"^(?:so,? |and )?(how (?:many|much|long|old|often|far)|what time|when (?:is|was|will|did|does|"
    r"are|do)|"
    r"where (?:is|are)(?! (?:you|things|we|it) (?:up to|at with|with)\b)|where do you live|"
    r"who (?:do|did|is|was|are|were|else))\b"
)
LEADING = _rx(
    r"(^(?:so,? |and |but )?(?:don't|doesn't|isn't|aren't|wouldn't|shouldn't|won't|can't|haven't|"
    r"didn't)\s+"
    r"(?:you|it|that|this|they|we)\b|don't you think|wouldn't you agree|isn't it (?:true|obvious|time)|"
    r"\bsurely\b|,\s*(?:right|correct|yes|no)\s*\?|\bdon't you\s*\?|\bisn't it\s*\?|\bwouldn't it\s*\?|"
    r"\bdo you not\b|\bwhat does (?:that|this|it|the \w+|your \w+) say about (?:you|how much you)\b|"
    r"\bdon't you want\b|\bhow can you (?:not|still)\b)"
)
JUDGING_WHY = _rx(
    r"(^(?:so,? |and |but )?why (?:didn't|don't|can't|won't|wouldn't|couldn't|haven't|hasn't|isn't|"
    r"aren't|"
    r"would|did|do|are|were|on earth|the hell|do you always|would anyone)\b|^how come you\b|"
    r"\bwhat were you thinking\b|\bwhat's wrong with\b)"
)
NEUTRAL_WHY = _rx(r"^(?:so,? |and )?why\b")
DISGUISED_ADVICE_Q = _rx(
    r"(\bhow about (?:you|we|trying|just)\b|\bwhat if you (?:just|tried|started|stopped)\b|"
    # 'Have you tried…?' suggests; 'What have you tried so far?' asks (the wh-word in front makes it open).
    r"(?<!\bwhat )(?<!\bwhat else )(?<!\bwhich )(?<!\bhow long )(?<!\bwhere )(?<!\bwhen )"
    r"\bhave you (?:tried|considered|thought about)\b|\bwhy not\b|"
    r"\bwhat's stopping you from (?:just)?\b|"
    r"\bwouldn't it be (?:better|easier)\b|\bhave you ever thought of\b)"
)
DOUBLE_Q = _rx(
    r"\?.*\w.*\?|,\s*(?:and|or)\s+(?:what|how|why|when|where|who|which)\s+\w+\s+\w+[^,]*\?$|\b(?:and|or)\s+(?:what's|how's|why's|where's|who's)\s+\w+ing\b|"
    r"\b(?:and|or)\s+(?:what|how|why)\s+(?:\w+\s+)?(?:you|your)\b.*\?$|\b(?:and|or)\s+(?:(?:what|"
    r"how|why|when|where|who)\s+(?:do|does|did|would|will|can|"
    r"could|are|"
    r"is|was|were|have|has|should|might)\s+(?:you|they|we|it|things|he|she|your)|(?:do|did|are|is|"
    r"can|would|"
    r"will|have|could) you)\b"
)
EITHER_OR = _rx(r"\b\w+\s+or\s+(?:the |a |an |your |more |less )?\w+\s*\?$")
# 'What matters more to you, treats or being debt-free?': a forced choice between two answers.
FORCED_CHOICE = _rx(r"(\b(?:more|most|better|rather)\b[^?]{0,40},\s*[^,?]{1,40}\bor\b[^,?]{1,40}\?\s*$)")
ADVICE = _rx(
    r"((?<!what )\byou (?:should|shouldn't|ought to|oughtn't|must|mustn't|need to|have to|had better|gotta|"
    r"'ve got to|just need to)\b|\byou(?:'ll| will) (?:just )?(?:have|need) to\b|\byou're (?:going|"
    r"gonna) (?:have|need) to\b|\b(?:next time|in future|going forward),? (?:just )?(?:try|make sure|"
    r"remember|you (?:could|might want to))\b|\bif you (?:just )?(?:look|check|search|read)\b|"
    r"(?<!you )(?<!i )\bneeds? (?:sorting|fixing|to be (?:sorted|fixed|dealt with|cleared))\b|"
    r"\b(?:has|have) to be (?:sorted|fixed|dealt with|cleared)\b|^(?:maybe|perhaps) (?:just )?(?:try|move|start|stop|"
    r"ask|talk|set|get|take|give|make|put|go|call|tell|book|cut|change|switch|look|use|speak|email|write)\b|\byou'd "
    r"(?:better|be better off)\b|\bwhy (?:don't|not|wouldn't) you\b|\bif i were you\b|\bmy advice\b|"
    r"\bi (?:recommend|suggest|'d recommend|'d suggest|would suggest|would recommend|"
    r"think you should)\b|"
    r"(?:^|[,;.!]\s*)(?:just |so just |and just |then )?(?:make sure|remember to|be sure to|don't forget|"
    r"keep it up)\b|^just (?:put|turn|switch|block|book|say|tell|ask|try|do|go|get|stop|start|take|make|"
    r"let|leave|text|ring|call|send|cut|bin|delete|mute|ignore)\b|"
    r"^(?:just |so just |then )?(?:try|start|stop|go|talk to|call|tell (?:her|him|them)|take|"
    r"don't|do|get|put|give|keep|ask|write|book|set|cut|quit|focus|think about|consider)\b"
    r"(?!\s+(?:you|i|we|they|it|he|she|your|that|this|things|anyone|anything)\b)|"
    r"\byou need (?:a|an|some) (?:better|new|proper|different|clearer|stricter|simple)\b|"
    r"\byou've (?:got to|gotta)\b|\byou(?:'ll| will) (?:still )?need (?:more|a lot more|much more)\b|"
    r"\bthe (?:best|smart|sensible) thing (?:is|would be)\b|\bit would be (?:better|best|wise)\b|"
    r"\bhave you (?:tried|considered|thought about)\b|\bhow about (?:you|trying|just)\b|"
    r"\bjust (?:try|do|start|stop|ask|tell|go|get)\b|\bit's time (?:to|for you to|you)\b|"
    r"\bmaybe you (?:could|"
    r"should|can|need|might)\b|\byou (?:could|might) (?:always |just )?(?:try|consider|look into)\b)"
)
REASSURE = _rx(
    r"(\b(?:it|that|this) happens to (?:everyone|everybody|all of us|the best of us)\b|"
    r"\b(?:they|he|she|it|the \w+|everyone)(?:'ll| will) (?:be (?:fine|ok|okay|alright|all right)|understand|"
    r"come round|get over it)\b|\bdon't worry\b|\byou're not (?:a |an )?(?:failure|bad|stupid|useless|idiot)\b|"
    r"\byou're doing (?:great|fine|"
    r"well|brilliantly|amazing)\b|\byou (?:just )?haven't found\b|\bthe right one\b|"
    r"\bonly a matter of time\b|"
    r"\byou'll get there\b|\byou'll (?:get|nail|smash|ace|crack|pass) (?:it|this|that)\b|"
    r"\bhopefully (?:you'll|you will|it'll|it will|this time|next time)\b|\bnext time,? (?:you'll|it'll)\b|"
    r"\beveryone (?:on|in|at|with) (?:\w+ ){1,3}(?:is|gets|feels|finds)\b|"
    r"\b(?:every|any|most) (?:parent|mum|mom|dad|nurse|manager|teacher|person|one) (?:feels|gets|has|goes)\b|"
    r"\bit'?ll (?:all )?(?:be|work out)\b|\bit will (?:all )?(?:be|work out)\b|"
    r"\beverything (?:will|is going to)\b|\byou'll be (?:fine|ok|okay|great)\b|\bi'm sure (?:it|"
    r"you|they)\b|"
    r"\bno need to (?:worry|be)\b|\bit's not (?:that|so) bad\b|\blook on the bright side\b|"
    r"\bthings will get better\b|\bit happens to everyone\b|\bit'?ll pass\b|\bit will pass\b|"
    r"\beveryone (?:goes "
    r"through|with a|feels)\b|\byou deserve\b|\byou(?:'re| are) (?:so much )?better than\b|"
    r"\bit's (?:completely |totally )?normal\b|^at least\b|\bit'?ll get (?:easier|quicker|better|faster)\b|"
    r"\bonce you(?:'re| are| get) used to\b|\byou'll get used to\b|\bat (?:her|his|their|that|your) age\b|"
    r"\b(?:kids|children|teenagers|teens|toddlers|people|everyone|most people) (?:are|get|do|feel) "
    r"(?:like that|that way|the same)\b|\bonly an? (?:hour|minute|day)\b)"
)
SELF_DISCLOSURE = _rx(
    r"(\bi also\b|\bme too\b|\bi used to\b|\bwhen i was\b|\bi had the same\b|\bhappened to me\b|"
    r"\bi remember when\b|\bi've been there\b|\bi went through\b|\bsame here\b|"
    r"\bi know exactly how you feel\b|"
    r"\bin my experience\b|\bmy (?:own )?(?:son|daughter|kids|husband|wife|partner|team|manager|mum|mom|"
    r"mother|dad|father|brother|sister|friend|boss|gran|nan) (?:did|does|was|is|had|used to|went)\b|"
    r"\b(?:i|we|me) (?:did|had|went through|do) (?:exactly |just )?the same\b|"
    r"\bi (?:had|have had|knew|used to have) (?:a|an|one|someone)\b[^.]{0,25}\blike (?:that|this|yours)\b)"
)
JUDGEMENT = _rx(
    r"(\buser error\b|\bdown to (?:you|how you)\b|\bthat's (?:a bit |quite |very |so |really |"
    r"a little )?(?:paranoid|extreme|irrational|harsh|over the top|"
    r"an overreaction|dramatic|unreasonable|childish|naive)\b|\byou're (?:using|doing|reading|holding) (?:it|"
    r"this|that) wrong\b|\bthe (?:problem|issue|trouble) is "
    r"(?:that )?you\b|\byou give up too\b|"
    r"\byou're (?:being )?(?:a bit |a little |quite |very |so |really )?(?:defensive|negative|stubborn|"
    r"closed[- ]minded|resistant|rigid|precious|touchy)\b|\byou're (?:just )?(?:wrong|overreacting|"
    r"being (?:silly|dramatic|unreasonable|lazy|difficult|"
    r"childish)|lazy|"
    r"in denial|kidding yourself|making excuses|just making|too sensitive)\b|\bthat's (?:not true|"
    r"ridiculous|an "
    r"excuse|nonsense|silly|your (?:own )?fault|on you)\b|\bexcuses?\b|\byour (?:own )?fault\b|"
    r"\bshould have\b|"
    r"\bshouldn't have\b|\birresponsible\b|\bselfish\b|\bcome on\b|\bface (?:it|facts|the facts)\b|"
    r"\blet's be honest\b|\bgrow up\b|\bhypocrit\w*|\bcontradict(?:ing)? yourself\b|\bjust (?:lazy|"
    r"stubborn)\b|"
    r"\byou (?:always|never)\b|\bwhat did you expect\b|\bno wonder\b|\bit's not (?:my|our) problem\b|"
    r"\bstop (?:complaining|whining|moaning)\b|\bthe real problem is you\b|"
    r"\byou can't have it both ways\b|^(?:maybe|perhaps) you (?:just )?(?:weren't|didn't|never)\b|"
    r"\bif you (?:really |actually |truly )?(?:knew|cared|wanted|meant)\b[^.]{0,40}\byou(?:'d| would|"
    r" wouldn't)\b|\bwhich (?:isn't|is not|is hardly|is never) (?:great|good|ideal|healthy|smart|clever|wise|"
    r"a good idea|helping)\b)"
)
ARGUE = _rx(
    r"(\bbut (?:it's|it is|this is) (?:mandatory|required|compulsory|the rule|policy|not optional|"
    r"part of "
    r"(?:the|your) job)\b|\bbut you (?:have to|need to|must|should|still (?:have|need) to)\b|"
    r"\bbut (?:rules|"
    r"the (?:policy|rule|law|fact))\b|\bthe fact is\b|\bactually,|\byes,? but\b|"
    r"\beveryone else (?:is|does|has|"
    r"manages|managed|seems to|did|copes)\b|\bthat's (?:just )?(?:how|the way) (?:it|things) (?:is|"
    r"are|works)\b|"
    r"\bit's (?:mandatory|required|compulsory|not optional|the rule|policy)\b|\brules are rules\b|"
    r"\bno choice\b|\bnot up for debate\b|\bwhether you like it or not\b|\byou don't have a choice\b|"
    r"\bnon-negotiable\b|^but\b|^actually\b|"
    r"\b(?:isn't|won't be|is no longer|will no longer be|no longer) (?:supported|available|allowed|an option)\b|"
    r"\bbeing (?:phased out|retired|switched off|withdrawn)\b|"
    r"^(?:but |well,? |actually,? )?our \w+(?: \w+)? (?:is|are|were|was) (?:all |very |really |actually |much |far )?"
    r"(?:good|great|better|excellent|reliable|different|the best|fine|fair|cheap|cheaper)\b|"
    r"\b(?:is|are) (?:all )?(?:highly |very |fully |really )?(?:trained|qualified|experienced|professionals?|"
    r"experts?)\b|\b(?:only|just) wants? (?:what's best|the best|to help)\b|"
    r"^(?:maybe|perhaps) (?:she|he|they|your \w+|the \w+) (?:doesn't|don't|didn't|isn't|aren't|wasn't|"
    r"weren't|just|only|has|had|is|are|was|were)\b|\bjust because\b|\b(?:applies|apply) to (?:everyone|"
    r"everybody|all)\b|"
    r"\b\w+ or not,|\bstill (?:has|have|needs?) to be\b|\beverybody else\b|"
    r"\b(?:much |far |a lot )?(?:healthier|better|safer|cheaper|easier|smarter) (?:ways?|options?|"
    r"alternatives?)\b|\b(?:but|when|though|and|whereas) actually\b|"
    r"\b(?:i (?:hear|understand|get|see|know|appreciate)|that's (?:fair|true|understandable)|fair enough)\b"
    r"[^.]{0,40}\bhowever\b|\bbut (?:your|the|other) \w+ (?:does|do|did|thinks?|says?|disagrees?)\b|"
    r"\bbut (?:just )?(?:think|remember|consider|imagine)\b|\byou (?:say|claim|reckon) [^.]{0,60}\bbut\b|"
    r"\b(?:it|this|that|they|these|the \w+) (?:really |actually )?(?:does|do) (?:help|work|make|matter|pay off)\b|"
    r"\b(?:it's|it is|they're|they are|this is) (?:there|designed|meant|supposed) to (?:help|protect|keep|"
    r"support|make)\b|\bi (?:hear you|understand|get (?:it|that)|know|see),? but\b|"
    r"\bbut (?:\w+ ){0,3}still (?:needs?|has to|have to|must|requires?)\b|\beveryone (?:has|needs|must) to\b|"
    r"\b(?:is|are|was|were) (?:only|just) (?:trying|doing (?:their|his|her) job|looking out)\b|"
    r"\bmeans? well\b|\b(?:has|have) your (?:best )?interests?\b|"
    r"\b(?:is|are) (?:all )?(?:required|mandatory|compulsory|obligatory) (?:for|of|by)\b|"
    r"\b(?:we're|we are|it's|it is|they're|they are|our \w+ (?:is|are)) (?:actually |much |far |a lot )?"
    r"(?:cheaper|better|faster|quicker|easier|safer|more \w+|less \w+) than\b|"
    r"\b(?:your \w+|it|the \w+|they) (?:doesn't|don't|won't) care (?:what|how|if|whether)\b|"
    r"\bthat's not (?:fair|right|true)\b|\b(?:i'm|we're) not like\b|"
    r"\bi can assure you\b|"
    r"\bour (?:company|product|team|service) is (?:different|better)\b|(?:^|[,;.!?]\s*|\bbut )(?:it's|"
    r"it is|that's|this is|they're|they are) actually\b|\b(?:it's|that's) (?:just )?part of the job\b|\bbacked by\b|"
    r"\b(?:research|studies|science|the evidence) (?:shows?|says|proves)\b|"
    r"\bit's (?:been )?proven\b|\b(?:up to you|your (?:own )?(?:call|choice|decision)),? but\b|"
    r"\bthat's because (?:we|our|the)\b|\bin (?:our|"
    r"my) "
    r"defen[cs]e\b|\bto be fair\b|\b(?:management|they|he|she|your (?:manager|boss|doctor|team)|"
    r"the (?:company|doctor)) "
    r"(?:is|are) right\b|\bthe (?:new|other) \w+ is (?:much |far )?better\b)"
)
WARN = _rx(
    r"(\b(?:which|that|this|it)(?:'s| is) (?:really |very |so |quite |a bit |a little |pretty |"
    r"rather )?(?:dangerous|risky|reckless|unsafe|"
    r"harmful)\b|\bif you don't\b|\bif you keep\b|\byou'll (?:lose|end up|regret|get (?:fired|sacked|hurt|sick)|"
    r"be sorry|fall behind|fail|get (?:cancer|ill|ill|diabetes))\b|\bif you (?:carry on|continue|"
    r"keep (?:going|on|this up))\b|"
    r"\bor else\b|\bwill cost you\b|\bin the long run\b|\bcould (?:have|get|lose|end)\b|"
    r"\bthere will be consequences\b|\bgoing to (?:regret|lose|fail)\b|"
    r"\byou're going to (?:get|end up|lose)\b|\bbefore it's too late\b|\b(?:leave|get|be) it too late\b|\bbe careful\b)"
)
PERSUADE = _rx(
    r"(\btrust me\b|\bit's for your own good\b|\bit's (?:really )?(?:good|worth it|important) for you\b|"
    r"\byou'll see\b|\bonce you (?:try|start)\b|\bthink (?:about|of) how (?:much|good)\b|\bbelieve me\b|"
    r"\byou'd (?:benefit|be surprised)\b|\bit's (?:really |actually |honestly )?not (?:that|so|"
    r"very|too) (?!you|i\b|we\b|they|he\b|she\b|it\b|your|about)\w+\b|"
    r"\bonce you (?:get|try|start|see|give)\b|\b(?:other|most|lots of|many|plenty of) (?:teams|"
    r"people|customers|"
    r"companies|clients|parents|students|managers|users|folks)\b[^.]*\b(?:use|do|manage|love|find|"
    r"get|like|cope)\w*\b|"
    r"\bimagine how much better\b|\bwhat have you got to lose\b|\bhelps everyone\b|"
    r"\beveryone (?:benefits|needs)\b|"
    r"\byou'd be (?:mad|crazy|silly|foolish|daft)\b|\b(?:won't|don't|can't) know (?:until|unless) you\b|"
    r"\bgive it a (?:go|chance|try|shot)\b|\bgreat opportunity\b|\bopen mind\b|\b(?:when|once|"
    r"after) you see (?:the|how|what)\b|(?<!can )(?<!could )(?<!to )(?<!always )\bchange your mind\b|"
    r"\b(?:would|will|could) (?:fix|solve|sort out|cure) (?:all|that|this|it|everything)\b|"
    r"\byou(?:'ll| will) (?:get (?:something|a lot|loads|so much)|gain|learn (?:a lot|something)|enjoy it|"
    r"like it|love it|thank)\b)"
)
AUTONOMY = _rx(
    r"(\bthe (?:choice|decision|call)(?:'s| is) (?:entirely |all |completely |totally |really )?yours\b|"
    r"\b(?:yours|for you) to (?:decide|choose|make|weigh|call|judge|work out)\b|\btake it or leave it\b|"
    r"\bmake up your (?:own )?mind\b|\bthe final say\b|\bno pressure (?:either way|from me)\b|"
    r"\b(?:is|it's) your business\b|\b(?:it's |it is |that's |this is )?(?:entirely |completely |totally |"
    r"really |ultimately )?"
    r"(?:up to you|your (?:own )?(?:call|choice|decision))\b|\b(?:it's|it is|that's|"
    r"this is) (?:entirely |really |"
    r"ultimately |still )?your (?:own )?(?:life|body|career|team|money|time|business|health|family|room|"
    r"classroom|account|project)\b|"
    r"\byou (?:decide|choose|get to (?:decide|choose|pick|set)|call the shots|set the pace)\b|"
    r"\byou know (?:your|best|what's best|yourself|what works|them|this|what you (?:want|need)|"
    r"what (?:matters|is important|'s important|'s right))\b|\byou get to (?:\w+ ){0,4}(?:decide|choose)\b|"
    r"\bwhat's right for you\b|"
    r"\bbetter than anyone\b|"
    r"\byou're the best (?:person|placed|one)\b|"
    r"\byou're (?:best placed|in the best position)\b|\byou're the (?:one|"
    r"expert|best judge|"
    r"person) (?:who|on|of|to)\b|\bwhatever you (?:decide|choose|pick)\b|\bin your hands\b|"
    r"\byou're (?:free|"
    r"welcome) to\b|\b(?:no one|nobody) (?:can|else can) (?:make|decide)\b|"
    r"\byou don't have to(?: \w+){0,2}\s*(?:[.,;!]|$|\band\b)|\byou don't have to (?:decide|choose|"
    r"rush|commit|"
    r"agree|do anything|make)\b|"
    r"\b(?:what|the one|whatever|whichever|whenever)(?: that)? (?:feels|seems|works) right (?:to|for) you\b|"
    r"\byou're in (?:charge|control|"
    r"the driving seat)\b|"
    r"\bon your (?:own )?terms\b|\byour (?:own )?(?:pace|way)\b|\bonly you (?:can|know)\b|"
    r"\bif and when you\b|"
    r"\bwhen(?:ever)? you(?:'re| are) ready\b|\bit's yours to\b|\byou have every right\b|\byour say\b|"
    r"\bhow you (?:want|choose|decide|'d like) to\b|\byou can (?:say no|decide|choose)\b|"
    r"\byou(?:'ll| will) (?:judge|decide|choose|know|be the judge)\b|\bfollow your lead\b|"
    r"\byou're the one "
    r"(?:in|at|with|living|doing)\b|\byou call it\b|\byou set\b)"
)
SARCASM = _rx(
    r"(\bdo whatever you want\b|\bsuit yourself\b|\byour funeral\b|\bfine,? (?:then|whatever|do)\b|"
    r"\bgo ahead (?:then|and (?:ruin|waste|fail))\b|\bdon't come (?:crying|running)\b|"
    r"^whatever\s*(?:[.,!;]|$)|\bwhatever\W*$|, whatever\s*(?:[.,!;]|$)|\bnot my problem\b|"
    r"\bsee (?:what|how) (?:happens|"
    r"that works out)\b|\bgood luck with that\b|"
    r"\bif you want to (?:ruin|waste|throw|risk)\b|\bbe my guest\b|\b(?:fine|ok|okay|alright|good) (?:by|with) me\b|"
    r"\bi (?:don't|couldn't) (?:really )?care\b)"
)
GENERIC_PRAISE = _rx(
    r"^((?:wow,? )?(?:great|good|nice|awesome|amazing|excellent|fantastic|brilliant|super|perfect|"
    r"wonderful|cool)"
    r"(?: job| work| stuff| one)?|well done|good (?:for|on) you|way to go|congrat\w*|kudos|bravo|"
    r"you rock|you're (?:the best|"
    r"amazing|awesome|great|a star|a legend|brilliant))\b"
)
I_CENTRED = _rx(
    r"^((?:(?:i'm|i am) )?(?:so |really |very )?(?:proud|impressed|happy|glad|pleased|thrilled|chuffed)"
    r"(?: (?:of |that )?you\b| to (?:see|hear)\b)|"
    r"(?:i'm|i am) (?:so |really |very )?(?:proud|impressed|happy|glad|pleased|thrilled)|"
    r"i (?:really |just |do )?(?:love|like) "
    r"(?:that|how|the way)|i (?:really )?(?:think|feel) (?:that )?you(?:'re| are) (?:great|amazing|"
    r"awesome)|"
    r"you make me (?:proud|happy)|i (?:always )?knew you (?:could|would|had it)|i told you (?:so|you could))\b"
)
BACKHANDED = _rx(
    r"(\bnext time you(?:'ll| will| can)\b|\bfor once\b|\bfinally\b|\bat last\b|\babout time\b|"
    r"\bfor a change\b|\beven you\b|"
    r"\bsurprisingly\b|"
    r"\bwho knew\b|\bi didn't think you (?:could|would)\b|\bnot bad for\b|\bfor someone like you\b|"
    r"\bwhich is more than\b)"
)
AMBIVALENCE = _rx(
    r"(\bon (?:the )?one hand\b|\bon the other\b|\band yet\b|\band [^.]*\bstill\b|\band it doesn't\b|"
    r"\bdoesn't match\b|\bgap between\b|\bpart of you\b|\bat the same time\b|\btorn\b|"
    r"\bboth\b|\bbut also\b|\band also\b|\beven though\b|\beven (?:when|if|as)\b|\balthough\b|\bwhile you\b|\bstill\b)"
)
ADDED_MEANING = _rx(
    r"(\b(?:it's|it is|that's|sounds|feels) (?:like|as if|as though)\b|\bas if\b|\bas though\b|"
    r"\byou're wondering\b|\byou wonder\b|\bwondering (?:whether|if|how)\b|\bmatters? (?:to you|"
    r"a lot)\b|"
    r"\bimportant to you\b|\byou (?:really )?(?:care|value)\b|\bwhat you (?:really )?want\b|"
    r"\bnot (?:just|only|so much) (?:about )?\b|\bit's (?:less|more) about\b|\bunderneath\b|"
    r"\bunder (?:all|the)\b|"
    r"\bthe (?:real|hardest|worst) (?:thing|part|issue)\b|\bstarting to\b|\bmore ready\b|"
    r"\bafraid (?:that|of)\b|\bworried (?:that|about)\b|\bhoping\b|\bfeels? (?:like|as if)\b|\bburden\b|"
    r"\bweight\b|\bcarrying\b|\blike (?:a|an|being|you're|you are)\b|\brunning on (?:empty|fumes)\b|"
    r"\bend of (?:your|the) (?:rope|tether)\b|\bon your shoulders\b|\blast straw\b|\bdrowning\b|"
    r"\bjuggling\b|\btug of war\b|\bhit(?:ting)? a wall\b|\btreading water\b|\bno end in sight\b|\bstuck\b|"
    r"\bdon't want to (?:be|let|lose|feel)\b|\bwant(?:s|ing)? to be\b|"
    r"\bthe kind of\b|\bmakes sense\b|\bno wonder you\b|\bi wonder if\b|\bsounds like you\b|"
    r"\bwhat matters\b|"
    r"\bfeels? (?:very |so |really |quite |a bit |almost )?"
    r"(?:safer|risky|harder|easier|impossible|heavy|real|strange|unfair|like)\b|"
    r"\bhard to (?:let|trust|"
    r"see|believe|bear|imagine)\b|\bfeels? inside\b|\bhow (?:heavy|hard|lonely|much) (?:this|it|that)\b|"
    r"\balmost\b|\bsafer\b|\bso much (?:of|work|effort)\b)"
)
FEELING = _rx(
    r"\b(frustrat\w*|drain\w*|killing (?:me|you)|wear(?:ing)? (?:you|me) (?:down|out)|worr\w*|"
    r"afraid|scar\w*|anxious|anxiety|hurt\w*|angr\w*|anger|reliev\w*|relief|"
    r"proud|"
    r"lonely|alone|exhaust\w*|overwhelm\w*|stress\w*|disappoint\w*|embarrass\w*|guilt\w*|asham\w*|"
    r"nervous|"
    r"hopeless|hope\w*|excit\w*|torn|trapped|stuck|fed up|sad\w*|upset|tired|drained|resent\w*|"
    r"betray\w*|"
    r"let down|unheard|invisible|unappreciated|dismissed|ignored|pressure\w*|fear\w*|dread\w*|confus\w*|"
    r"uncertain|unsure|doubt\w*|discourag\w*|defeated|helpless|powerless|annoy\w*|irritat\w*|furious|"
    r"heartbroken|hollow|empty|flat|numb|deflated|gutted|crushed|conflicted|restless|excruciating|mortif\w*|"
    r"awkward|exposed|cring\w*|"
    r"heartbroken|grief|griev\w*|miss\w*|weary|burn(?:ed|t) out|isolated|unsettl\w*|uneasy|"
    r"insecure|swamped|knackered|shattered|frazzled|fried|wiped out|touched out|spent|done in|run down|"
    r"hard to bear|heavy|painful|tough|worn (?:down|out)|stretched|relieved|singled out|fed up)\b"
)
VALUES = _rx(
    r"(\bmatters? to you\b|\bimportant to you\b|\byou (?:really |clearly |deeply )?(?:care|value|"
    r"want)\b|"
    r"\byou(?:'ve| have)? (?:said|told me|mentioned) (?:you|that|how)\b|\byour (?:goal|values?|"
    r"hope|plan|"
    r"dream|priority|priorities|aim)\b|\bthe kind of (?:\w+ )?(?:you|person|parent|manager|leader)\b|"
    r"\bwhat you (?:want|hope|value)\b|\bfor you to be\b|\byou(?:'d| would) like to\b|"
    r"\byou want(?:ed)? to\b|"
    r"\byou hope\b|\bmeans? (?:a lot|so much) to you\b|\bproud of\b|\bgoal\b|\bbelieve in\b|"
    r"\bsee yourself\b|"
    r"\bwho you are\b|\bpride\b|\bmatters? (?:most|to you)\b|\bwhat you stand for\b)"
)
JUXTAPOSE = _rx(
    r"(\band (?:yet|at the same time|right now|meanwhile|lately|then)\b|\bbut (?:right now|lately|"
    r"at the "
    r"moment|then|also|you're also|you also|the|it|so far|in practice)\b|\bon the other hand\b|"
    r"\bhow does (?:that|this|it) fit\b|\bfit (?:with|together)\b|\bwhere does (?:that|this) leave\b|"
    r"\bhow do (?:those|these|the two) (?:fit|sit)\b|\bgap between\b|\bsits? with\b|\bsquare with\b|"
    r"\bline up with\b|\bmatch(?:es)? up\b|\bat odds\b|\bpulling (?:against|in)\b|\bwhile\b|"
    r"\bmeanwhile\b|"
    r"\bcompared (?:to|with)\b|\bhow does .{1,60} (?:fit|compare|affect|sit)\b|\bbut\b|"
    r"\band\b.*\b(?:though|"
    r"still)\b|,\s*(?:and|but)\b|\bkeeps?\b|\bcrowd\w*|\bwhen\b)"
)
INVITATION = _rx(
    r"(\bwhat did i miss\b|\bdid i (?:get|miss|leave)\b|\bhave i (?:got|missed|left)\b|\bwhat would you "
    r"add\b|\bis that (?:right|about right|fair)\b|\bhow does that sound\b|"
    r"\bwhere (?:would you like|do you "
    r"want) to go\b|\bwhat (?:would you like|do you want) to do\b|\bwhat's next\b|\banything (?:i|"
    r"else)\b|"
    r"\bwhat (?:stands out|do you make)\b|\bhow (?:close|well) (?:is|does) that\b|"
    r"\bwhere does that leave "
    r"you\b|\bwhat (?:feels|seems) like (?:the|a) next step\b)"
)
CHANGE_TALK = _rx(
    r"(\byou(?:'d| would) like to\b|\byou want(?:ed)? to\b|\byou(?:'re| are) (?:ready|thinking about|"
    r"considering|planning|willing|hoping)\b|\byou've (?:already|started)\b|\byou could\b|"
    r"\byou can see\b|"
    r"\breasons? (?:to|for)\b|\byou intend\b|\byour (?:goal|plan)\b|\bmatters to you\b|"
    r"\bimportant to you\b|"
    r"\bwant(?:s)? (?:things|it) to (?:change|be different)\b)"
)


def find(pattern: re.Pattern[str], text: str) -> str | None:
    """The matched phrase, trimmed, or None."""
    m = pattern.search(normalise(text))
    if not m:
        return None
    phrase = (m.group(1) if m.groups() and m.group(1) else m.group(0)).strip(" ,.?")
    return phrase or m.group(0).strip()


def quote(phrase: str, limit: int = 60, *, capital: bool = True) -> str:
    """Quote a learner's words with an uppercase first letter: 'Do you' (capital=False for words from the middle
    of their sentence: "naming 'frustrated'", not "naming 'Frustrated'")."""
    phrase = phrase.strip()
    if len(phrase) > limit:
        phrase = phrase[: limit - 1].rstrip() + "…"
    return f"'{phrase[:1].upper()}{phrase[1:]}'" if capital else f"'{phrase}'"
