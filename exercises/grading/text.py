"""Text helpers for the grader: bad-input checks, content words, topic overlap, pronoun swapping."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from exercises.coder.features import normalise, split_sentences
from exercises.grading.language import language_model

MAX_REPLY_CHARS = 2000
MAX_SUMMARY_CHARS = 3000

_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
STOPWORDS = frozenset(
    """a about above after again against all am an and any are aren't as at be because been before being
    below between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down
    during each few for from further had hadn't has hasn't have haven't having he he'd he'll he's her here
    here's hers herself him himself his how how's i i'd i'll i'm i've if in into is isn't it it's its itself
    let's me more most mustn't my myself no nor not of off on once only or other ought our ours ourselves
    out over own same shan't she she'd she'll she's should shouldn't so some such than that that's the their
    theirs them themselves then there there's these they they'd they'll they're they've this those through
    to too under until up very was wasn't we we'd we'll we're we've were weren't what what's when when's
    where where's which while who who's whom why why's with won't would wouldn't you you'd you'll you're
    you've your yours yourself yourselves just really also still even ever much many lot lots bit get got
    getting go going gone will shall may might must yet now right okay ok well yes yeah oh um uh like
    sounds sound seems seem tell describe say said something anything everything thing things way""".split()
)
# Content words too general to say what a reply is about ("How do you feel about it?").
GENERIC = frozenset(
    """feel feeling feels felt think thinking thought know knowing want wanting need make makes made happen
    happened happening experience experiences situation mind important matter matters stand stood time times
    day days week weeks moment part sense look looking see seeing work working help helping hard easy good
    bad better worse best worst different change changes changed stuff people person point happy like
    kind sort whole overall shaping shape weighing decide decision life going come coming take taking
    give giving talk talking hear share sharing bring focus night nights lately recently morning mornings
    evening evenings today tonight weekend weekends year years month months cut drop add keep start stop
    try use put handle deal manage cope improve lose find found finding whole set move""".split()
)
# A small, hand-picked set of near-synonyms so an on-topic rewrite in other words is not called off-topic.
_SYNONYM_GROUPS: tuple[frozenset[str], ...] = tuple(
    frozenset(g.split())
    for g in (
        "job work role career position employment office workplace promotion promoted progression",
        "boss manager lead supervisor leader director",
        "kid kids child children son daughter teen teenager",
        "money budget cost price pay salary afford expensive cheap finance financial spend spending cash runway",
        "team colleague colleagues coworker coworkers peer peers staff group",
        "drink drinking alcohol beer wine",
        "smoke smoking cigarette cigarettes nicotine vape",
        "exercise gym workout walk walking run running fitness active",
        "sleep sleeping slept rest bed bedtime insomnia awake night nights",
        "tired exhausted wiped drained worn knackered shattered fatigued weary",
        "meeting call session workshop",
        "workload load busy swamped overloaded capacity",
        "schedule timetable rota calendar hours shift shifts",
        "home house flat place mortgage live",
        "commute travel journey drive driving train",
        "team people colleague colleagues staff",
        "school class lesson study studying homework exam exams revision revise test tests prepare preparing ready",
        "customer client clients customers user users account",
        "deadline date delay late",
        "plan planning goal goals target targets quota quotas next step",
        "weekend weekends saturday saturdays sunday sundays",
        "friend friends mate mates pal pals mates social",
        "worry worried anxious nervous stress stressed afraid scared concern concerned",
        "angry frustrated annoyed fed upset irritated cross",
        "quit stop stopping quitting cut give",
        "eat eating food diet meal meals breakfast lunch dinner snack snacks hungry feed feeding cooking takeaway",
        "list lists todo track tracking organise organize organised organized organising plate top juggle",
        "health healthy doctor medication medicine tablets",
        "partner wife husband spouse family",
        "parent parents mum mom dad father mother",
        "training course learn learning skill skills",
        "feedback review appraisal rating",
        "tool software system platform app product crm",
        "report write writeup writing draft document doc paper deck slides presentation proposal figures numbers",
        "numbers figures data stats statistics metrics dashboard kpi kpis results",
        "jab vaccine vaccination injection flu booster shot",
        "doctor gp appointment clinic hospital nurse physio checkup",
        "spend spending spent expense expenses overspend overspending savings save saving debt loan bills bill",
        "project projects task tasks deliverable deliverables assignment",
        "standup stand one-to-one catch checkin",
        "sales sale selling sell deal deals pipeline prospect prospects lead leads quota",
        "ticket tickets complaint complaints issue issues support helpdesk query queries",
        "teacher teachers tutor lecturer class classes pupil pupils student students school college uni university",
        "sister brother sibling siblings",
        "relationship marriage partner boyfriend girlfriend wife husband",
        "interview interviews application applications applying cv resume vacancy candidate candidates hiring",
        "email emails message messages reply replies respond response inbox",
        "argument arguments row fight fighting conflict disagreement tension falling",
        "presentation pitch speech demo talk",
        "physio physiotherapy sport sports swim swimming cycling bike exercise",
        "restructure reorganisation reorganization reorg redundancy redundancies layoffs",
        "management director directors exec execs executive executives leadership",
        "deadline due overdue behind pile piling piled backlog",
        "mood low down depressed sad",
        "praise praised recognition recognised recognized compliment compliments credit appreciation appreciated",
        "happy happier enjoy enjoying enjoyment satisfied fulfilled content love",
        "renewal renew renewing contract subscription",
        "onboarding induction starter starters hire hires joiner joiners newcomer recruit",
        "medication medicine tablets pills prescription dose doses side effects",
        "homework assignment assignments coursework essay",
        "grade grades marks results score scores",
        "pressure busy rushed stretched stress stressed",
        "chaos chaotic hectic mayhem frantic manic madness",
        "hard hardest harder tough toughest tougher difficult challenging grim",
        "class group classes",
        "investor investors funding fund funds raise raising investment",
        "traction growth users signups uptake adoption",
        "visible visibility seen notice noticed profile recognition",
        "away awayday offsite retreat outing teambuilding social",
        "shout shouting yell yelling snap snapping scream temper",
        "price prices pricing cost costs fee fees expensive overpriced",
    )
)


_TYPOS = {
    "wat": "what", "wht": "what", "whta": "what", "waht": "what", "whats": "what's", "hw": "how", "hwo": "how",
    "hows": "how's", "u": "you", "ur": "your", "youre": "you're", "youve": "you've", "youd": "you'd",
    "youll": "you'll", "dont": "don't", "doesnt": "doesn't", "didnt": "didn't", "cant": "can't",
    "wont": "won't", "isnt": "isn't", "arent": "aren't", "wasnt": "wasn't", "werent": "weren't",
    "havent": "haven't", "hasnt": "hasn't", "wouldnt": "wouldn't", "couldnt": "couldn't",
    "shouldnt": "shouldn't", "thats": "that's", "theyre": "they're", "im": "I'm", "ive": "I've",
    "becuase": "because", "becasue": "because", "realy": "really",
    "somthing": "something", "tht": "that", "teh": "the", "yuo": "you", "yor": "your", "abit": "a bit",
}
_TYPO_WORD = re.compile(r"\b[A-Za-z]+\b")
_ITS_BEFORE = re.compile(
    r"\bits(?= (?:your|yours|up|a|an|not|been|ok|okay|fine|hard|like|really|the|totally|completely|entirely|"
    r"just|so|all|my|our|on|about|clear|obvious|great|good|normal|important|too|you|quite|very|pretty)\b)",
    re.IGNORECASE,
)


def fix_typos(text: str) -> str:
    """Mend the commonest typing shortcuts ('wat', 'dont', 'its your call') so cues still match."""
    text = _ITS_BEFORE.sub(lambda m: "It's" if m.group(0)[0] == "I" else "it's", text)

    def mend(m: re.Match[str]) -> str:
        word = m.group(0)
        fixed = _TYPOS.get(word.lower())
        if fixed is None:
            return word
        return fixed[:1].upper() + fixed[1:] if word[0].isupper() else fixed

    return _TYPO_WORD.sub(mend, text)


def letters_ratio_non_ascii(text: str) -> float:
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for ch in letters if ord(ch) > 127) / len(letters)


def words(text: str) -> list[str]:
    return _WORD.findall(normalise(text).lower())


@lru_cache(maxsize=8192)
def stem(word: str) -> str:
    """A crude suffix stripper: enough to match 'worried'/'worry' and 'schedules'/'schedule'. Cached (bounded):
    the same few thousand words recur in every reply."""
    for suffix in ("ingly", "edly", "ing", "ed", "ies", "es", "s", "ly", "y"):
        # 'ly' only on longer words, so 'apply' and 'reply' keep their root ('appl', not 'app').
        if suffix == "es" and word.endswith("es") and not word.endswith(("ses", "xes", "zes", "ches", "shes")):
            suffix = "s"  # 'loves' -> 'love', 'schedules' -> 'schedule'; 'classes' -> 'class'
        if word.endswith(suffix) and len(word) - len(suffix) >= (4 if suffix == "ly" else 3):
            word = word[: -len(suffix)]
            break
    return word.replace("'", "")


# Stems of the words too common to link two texts; computed once, used by every grader.
GENERIC_STEMS: frozenset[str] = frozenset(stem(w) for w in GENERIC)


def _synonym_index() -> dict[str, frozenset[str]]:
    index: dict[str, set[str]] = {}
    for group in _SYNONYM_GROUPS:
        gstems = {stem(w) for w in group}
        for g in gstems:
            index.setdefault(g, set()).update(gstems)
    return {k: frozenset(v) for k, v in index.items()}


_SYNONYMS_OF = _synonym_index()


def content_stems(text: str) -> set[str]:
    return {stem(w) for w in words(text) if w not in STOPWORDS and len(w) > 2}


def expand(stems: set[str]) -> set[str]:
    """The stems plus every synonym-group stem that shares a member with them."""
    out = set(stems)
    for stem_ in stems:
        out |= _SYNONYMS_OF.get(stem_, frozenset())
    return out


def overlap(reply: str, *references: str) -> tuple[set[str], set[str]]:
    """(shared stems, the reply's distinctive stems): what links the reply to the references.

    Generic words ('work', 'feel', 'time') never link two texts on their own, and synonyms are only
    expanded from distinctive words, so 'hobbies outside work' does not match 'did the rota work'.
    """
    mine = content_stems(reply)
    distinctive = mine - GENERIC_STEMS
    ref: set[str] = set()
    for text in references:
        ref |= content_stems(text)
    ref_distinctive = ref - GENERIC_STEMS
    shared = expand(distinctive) & expand(ref_distinctive)
    for a in distinctive - shared:
        for b in ref_distinctive:
            if len(a) >= 4 and len(b) >= 4 and (a.startswith(b[:5]) or b.startswith(a[:5])):
                shared.add(a)
                break
    return shared, distinctive


def looks_off_topic(reply: str, *references: str, min_distinctive: int = 2) -> bool:
    """True only when the reply clearly talks about something else: lenient by design."""
    shared, distinctive = overlap(reply, *references)
    if shared - GENERIC_STEMS or len(distinctive) < min_distinctive:
        return False
    # Prefix match catches 'manag' vs 'management' and similar near-misses the stemmer leaves.
    ref_stems = set().union(*(content_stems(r) for r in references)) if references else set()
    for a in distinctive:
        for b in ref_stems:
            if len(a) >= 4 and len(b) >= 4 and (a.startswith(b[:5]) or b.startswith(a[:5])):
                return False
    return True


def parrot_ratio(reply: str, prompt: str) -> float:
    """Share of the reply's content words that are the client's own words."""
    mine = content_stems(reply)
    if not mine:
        return 0.0
    return len(mine & content_stems(prompt)) / len(mine)


def not_english(text: str) -> bool:
    """The text is written in another language: mostly non-Latin letters, or, from three words up, what the
    learned character n-gram model (exercises/grading/language.py) reads as another language. Messages of one
    or two words are never flagged: too little to go on, and a wrong "please write in English" is worse than
    grading a short reply as it is."""
    if letters_ratio_non_ascii(text) > 0.3:
        return True
    model = language_model()
    return model is not None and model.other_language(text)


def bad_input(reply: str, limit: int = MAX_REPLY_CHARS) -> str | None:
    """A friendly reason when there is nothing gradable, else None."""
    text = reply.strip()
    if not text:
        return "There's no reply here yet. Type your answer as you would say it to the person, then send it."
    if len(text) > limit:
        return (f"That reply is very long ({len(text):,} characters). In a real conversation a response like "
                "this is one or two sentences, so try a short version you could say out loud.")
    if not any(unicodedata.category(ch).startswith("L") for ch in text):
        return ("I couldn't find any words in that reply, only symbols or emoji. Write the sentence you "
                "would actually say, and I'll give you feedback on it.")
    if not_english(text):
        return ("These drills are in English for now, and I can only give useful feedback on English "
                "replies. Try writing your answer in English.")
    return None


_SWAPS = {
    "i": "you", "me": "you", "my": "your", "mine": "yours", "myself": "yourself", "i'm": "you're",
    "i've": "you've", "i'll": "you'll", "i'd": "you'd", "am": "are", "we": "you", "our": "your",
    "us": "you", "we're": "you're", "we've": "you've", "ours": "yours", "ourselves": "yourselves",
    "she": "you", "he": "you", "she's": "you're", "he's": "you're", "she'd": "you'd", "he'd": "you'd",
    "she'll": "you'll", "he'll": "you'll", "his": "your", "him": "you", "herself": "yourself",
    "himself": "yourself", "they're": "you're", "they've": "you've", "their": "your", "they": "you",
}
# The client's "you" means the practitioner: seen from the practitioner it becomes I/me/my.
_YOU_SWAPS = {"your": "my", "yours": "mine", "you're": "I'm", "you've": "I've", "you'll": "I'll", "you'd": "I'd",
              "yourself": "myself"}
_SUBJECT_NEXT = frozenset(
    "don't do did didn't are aren't were weren't can can't could couldn't will won't would wouldn't should never "
    "always just keep kept said say think know knew want need have haven't had get got make made tell told "
    "understand listen".split())
# Common verbs that end a noun phrase: 'the sprint went', 'your manager tells you'.
VERBISH = frozenset(
    "went goes go going gone was were is are been be did does do done works worked work feels felt looks looked "
    "turned ended came got gets has had have tells told says said makes made keeps kept seems seemed".split())
_HER_AS_OBJECT = frozenset(
    "nervous anxious uneasy worried happy sad angry tired feel to a the up down off out back in".split()
)


def _third_person(word: str) -> bool:
    """'loves', 'wants', 'tries' after he/she: a present-tense verb that agrees with 'you' once swapped."""
    return len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is"))


def _plain_verb(word: str) -> str:
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "xes", "oes")):
        return word[:-2]
    return word[:-1]


def swap_person(text: str) -> str:
    """Turn the client's first-person words into second person for a reflection ('I've' -> 'you've')."""
    out: list[str] = []
    tokens_ = normalise(text).split()
    for i, token in enumerate(tokens_):
        core = token.strip(".,!?;:\"'")
        low = core.lower()
        if low == "you":
            nxt = tokens_[i + 1].strip(".,!?;:\"'").lower() if i + 1 < len(tokens_) else ""
            token = token.replace(core, "I" if nxt in _SUBJECT_NEXT else "me")
        elif low in _YOU_SWAPS:
            token = token.replace(core, _YOU_SWAPS[low])
        elif low in ("are", "were") and out and out[-1] == "I":
            token = token.replace(core, "am" if low == "are" else "was")
        elif low in _SWAPS:
            repl = _SWAPS[low]
            token = token.replace(core, repl)
        elif low == "her":
            nxt = tokens_[i + 1].strip(".,!?;:").lower() if i + 1 < len(tokens_) else ""
            token = token.replace(core, "you" if not nxt or nxt in _HER_AS_OBJECT else "your")
        elif low in ("was", "is", "has", "does") and out and out[-1].lower() == "you":
            token = token.replace(core, {"was": "were", "is": "are", "has": "have", "does": "do"}[low])
        elif i and tokens_[i - 1].strip(".,!?;:\"'").lower() in ("he", "she") and _third_person(low):
            token = token.replace(core, _plain_verb(core))
        elif low == "was" and out and out[-1].lower() == "you":
            token = token.replace(core, "were")
        out.append(token)
    return " ".join(out)


def first_clause(text: str, max_words: int = 22) -> str:
    sentences = split_sentences(text) or [text]
    first = sentences[0].rstrip(".!?")
    parts = first.split()
    return " ".join(parts[:max_words])
