"""The MI coder: label a practitioner turn, read in its conversation, with one of the 13 codes of
exercises.vocabulary.CODES and with AnnoMI's view of it (main behaviour and subtypes); label a client turn
as change, sustain or neutral talk.

code(text, context) -> Coding. The learned model (exercises/coder/learned.py: all-MiniLM-L6-v2 with trained
low-rank deltas and heads, one forward pass over the preceding turns and the turn) decides. When the model
cannot load (no encoder package, or OARS_SEMANTIC=0) the older sentence-level linear model and its rules
(scorer.py, rules.py, `main_code`) answer instead, so the coder always works.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from exercises.coder import learned
from exercises.coder.features import normalise, split_sentences
from exercises.coder.rules import apply_rules
from exercises.coder.scorer import load_model

__all__ = ["ClientTalk", "Coding", "SentenceCoding", "clean_context", "client_talk", "code", "code_linear",
           "main_code"]

# The AnnoMI view of each of the 13 codes: main behaviour, question / reflection / input subtype.
BEHAVIOUR: dict[str, str] = {
    "open_question": "question", "closed_question": "question",
    "simple_reflection": "reflection", "complex_reflection": "reflection",
    "give_information": "therapist_input", "advise": "therapist_input", "negotiate": "therapist_input",
    "offer_options": "therapist_input",
}
INPUT_TYPE: dict[str, str] = {"give_information": "information", "advise": "advice", "offer_options": "options",
                              "negotiate": "negotiation"}

SentenceCoding = tuple[str, str, float]

# Which statement wins when a turn holds several and none is MI-inconsistent and it does not end in a
# question: the behaviour most informative for feedback comes first. Reflections rank above the
# information/planning codes because AnnoMI codes a turn by what it mainly does for the client.
_SALIENCE: tuple[str, ...] = (
    "emphasize_autonomy",
    "affirm",
    "complex_reflection",
    "offer_options",
    "negotiate",
    "simple_reflection",
    "seek_collaboration",
    "give_information",
    "open_question",
    "closed_question",
    "other",
)
_MI_INCONSISTENT: tuple[str, ...] = ("confront", "advise")
_REFLECTIONS = frozenset({"simple_reflection", "complex_reflection"})
_INPUT = frozenset({"offer_options", "negotiate", "give_information", "emphasize_autonomy"})


@dataclass(frozen=True)
class Coding:
    """The main code of a turn, its confidence, and the per-sentence codes behind it."""

    code: str
    confidence: float
    sentences: tuple[SentenceCoding, ...] = ()
    # AnnoMI's view (behaviour, question type, reflection type, input type) when the learned model gave one;
    # otherwise derived from the 13-code label.
    annomi: tuple[str, str | None, str | None, str | None] | None = None

    @property
    def behaviour(self) -> str:
        """AnnoMI main behaviour: question | reflection | therapist_input | other."""
        return self.annomi[0] if self.annomi else BEHAVIOUR.get(self.code, "other")

    @property
    def question_type(self) -> str | None:
        if self.annomi:
            return self.annomi[1]
        return {"open_question": "open", "closed_question": "closed"}.get(self.code)

    @property
    def reflection_type(self) -> str | None:
        if self.annomi:
            return self.annomi[2]
        return {"simple_reflection": "simple", "complex_reflection": "complex"}.get(self.code)

    @property
    def input_type(self) -> str | None:
        if self.annomi:
            return self.annomi[3]
        return INPUT_TYPE.get(self.code)

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "confidence": round(self.confidence, 4),
            "behaviour": self.behaviour,
            "question_type": self.question_type,
            "reflection_type": self.reflection_type,
            "input_type": self.input_type,
            "sentences": [{"text": s, "code": c, "confidence": round(p, 4)} for s, c, p in self.sentences],
        }


def code_sentence(sentence: str) -> tuple[str, float]:
    """Code one sentence: the model's best guess, corrected by near-certain rules."""
    ranked = load_model().ranked(sentence)
    return apply_rules(sentence, ranked)


def main_code(sentences: tuple[SentenceCoding, ...]) -> tuple[str, float]:
    """Pick the turn's main behaviour from its sentence codes (documented choice, MITI-inspired).

    1. MI-inconsistent behaviour (confront, then advise) that the coder is fairly sure of wins: one
       lecture spoils a turn, and MITI counts it whatever surrounds it.
    2. Otherwise a turn that ends in a question is coded by that question: it is what the client
       answers. ("That sounds hard. What helped?" is an open question.) Exception: a closed check
       ("Did I get that right?") after two or more reflective sentences stays a reflection (a summary),
       and a short tag ("Which appeals?", "Does that work?") after options, a plan, information or an
       autonomy statement leaves the turn coded by that statement.
    3. Otherwise the most salient statement wins (see _SALIENCE); two reflections of which any is
       complex make the turn complex.
    """
    if not sentences:
        return "other", 1.0
    if len(sentences) == 1:
        return sentences[0][1], sentences[0][2]
    for bad in _MI_INCONSISTENT:
        hits = [p for _, c, p in sentences if c == bad and p >= 0.5]
        if hits:
            return bad, max(hits)
    last_text, last_code, last_p = sentences[-1]
    if last_code in ("open_question", "closed_question", "seek_collaboration"):
        before = [s for s in sentences[:-1] if s[1] in _INPUT]
        if before and len(last_text.split()) <= 5:
            # "You could A, B or C. Which appeals?" offers options; a short tag does not change that.
            best = max(before, key=lambda s: s[2])
            return best[1], best[2]
        reflective = [s for s in sentences[:-1] if s[1] in _REFLECTIONS]
        if last_code == "closed_question" and len(reflective) >= 2:
            complex_ = any(c == "complex_reflection" for _, c, _ in reflective)
            conf = max(p for _, _, p in reflective)
            return ("complex_reflection" if complex_ else "simple_reflection"), conf
        return last_code, last_p
    present = {c: max(p for _, cc, p in sentences if cc == c) for _, c, _ in sentences}
    if "complex_reflection" in present and "simple_reflection" in present:
        present["complex_reflection"] = max(present["complex_reflection"], present["simple_reflection"])
    for candidate in _SALIENCE:
        if candidate in present:
            return candidate, present[candidate]
    best = max(sentences, key=lambda s: s[2])
    return best[1], best[2]


@dataclass(frozen=True)
class ClientTalk:
    """A client utterance's talk type: change | sustain | neutral, with the model's confidence."""

    talk: str
    confidence: float

    def as_dict(self) -> dict[str, object]:
        return {"talk": self.talk, "confidence": round(self.confidence, 4)}


def client_talk(text: str, context: Sequence[str] = ()) -> ClientTalk:
    """Code a client utterance given the preceding turns (oldest first): change, sustain or neutral talk."""
    clean = normalise(text)
    model = learned.load()
    if not clean or model is None:
        return ClientTalk("neutral", 1.0 if not clean else 0.0)
    talk, p = model.run(clean_context(context), clean).best("talk", model.labels["talk"])
    return ClientTalk(talk, p)


def clean_context(context: Sequence[str]) -> tuple[str, ...]:
    """The preceding turns the model reads: the last three, normalised, empty ones dropped."""
    return tuple(normalise(t) for t in list(context)[-3:] if isinstance(t, str) and normalise(t))


_SUBTYPE = {"question": "qtype", "reflection": "rtype", "therapist_input": "itype"}
# Which of the 13 codes can stand for each AnnoMI main behaviour. A warning or a confrontation is input in
# AnnoMI's terms when it tells the client what will happen, and "other" when it labels them.
_FITS: dict[str, frozenset[str]] = {
    "question": frozenset({"open_question", "closed_question"}),
    "reflection": _REFLECTIONS,
    "therapist_input": frozenset({"give_information", "advise", "offer_options", "negotiate", "confront"}),
    "other": frozenset({"affirm", "seek_collaboration", "emphasize_autonomy", "confront", "other"}),
}


def _agree_with_turn(main: tuple[str, float], coded: tuple[SentenceCoding, ...], behaviour: str) -> tuple[
        str, float]:
    """The 13-code label and the whole-turn behaviour must not contradict each other. The turn-level head reads
    the whole turn in context and is the stronger model, so when the sentence logic picked a code of another
    behaviour, the most likely sentence code that fits the turn's behaviour wins; if no sentence fits, the
    sentence logic stands. Only an unsure pick is overruled: the documented exceptions of `main_code` (a short
    tag after options, a check after a summary) are confident choices and stay."""
    if main[0] in _FITS[behaviour] or main[1] >= 0.5:
        return main
    fitting = [(c, p) for _, c, p in coded if c in _FITS[behaviour]]
    return max(fitting, key=lambda cp: cp[1]) if fitting else main


def _sentence_codes(model: learned.MIModel, context: tuple[str, ...], sentences: list[str]) -> tuple[
        SentenceCoding, ...]:
    """Each sentence: the learned code head (read in context) averaged with the older linear model (which
    knows our own examples best), then the near-certain surface rules."""
    linear = load_model()
    order = [linear.codes.index(c) for c in model.labels["code"]]
    out = []
    for sentence, heads in zip(sentences, model.run_many(context, sentences), strict=True):
        probs = 0.5 * heads.probs["code"] + 0.5 * linear.probabilities(sentence)[order]
        ranked = sorted(zip(model.labels["code"], probs.tolist(), strict=True), key=lambda cp: -cp[1])
        out.append((sentence, *apply_rules(sentence, ranked)))
    return tuple(out)


def _learned_code(model: learned.MIModel, clean: str, context: tuple[str, ...]) -> Coding:
    """AnnoMI's view from one pass over the whole turn; the 13-code label from its sentences (MITI logic)."""
    heads = model.run(context, clean)
    behaviour, _ = heads.best("behaviour", model.labels["behaviour"])
    subtypes: dict[str, str | None] = {"question": None, "reflection": None, "therapist_input": None}
    if behaviour in _SUBTYPE:
        head = _SUBTYPE[behaviour]
        subtypes[behaviour] = heads.best(head, model.labels[head])[0]
    coded = _sentence_codes(model, context, split_sentences(clean)[:8] or [clean])
    main, p_main = _agree_with_turn(main_code(coded), coded, behaviour)
    annomi = (behaviour, subtypes["question"], subtypes["reflection"], subtypes["therapist_input"])
    return Coding(main, p_main, coded, annomi)


def code(text: str, context: Sequence[str] = ()) -> Coding:
    """Code one practitioner turn, given the preceding turns (oldest first). Never raises on odd input."""
    clean = normalise(text)
    if not clean:
        return Coding("other", 1.0, ())
    model = learned.load()
    if model is not None:
        return _learned_code(model, clean[:4000], clean_context(context))
    return code_linear(clean)


def code_linear(text: str) -> Coding:
    """The older sentence-level linear coder with its surface rules (fallback, and the grader's cue source)."""
    clean = normalise(text)
    if not clean:
        return Coding("other", 1.0, ())
    sentences = split_sentences(clean[:4000]) or [clean[:4000]]
    coded = tuple((s, *code_sentence(s)) for s in sentences[:40])
    main, conf = main_code(coded)
    return Coding(main, conf, coded)
