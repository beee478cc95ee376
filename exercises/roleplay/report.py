"""The MITI-style session report: behaviour counts, summary scores, estimated globals, and the moments
a trainer would point at.

Counts follow MITI 4.2.1: MI-adherent = affirm + seeking collaboration + emphasising autonomy; MI
non-adherent = confront + persuade without permission (the coder's `advise` before any permission).
Advice given after the member asked permission is "persuade with permission" and counts as neither.
Open/closed questions are split as in MITI 3.1 so % open questions can be shown.

Thresholds (fair / good): R:Q 1:1 / 2:1, % complex reflections 40 / 50, % open questions 50 / 70 (MITI 3.1),
each global 3.5 / 4. R:Q with no questions at all is the reflection count (as if there was one question).

The four globals are *estimates* from the coded turns, not a rater's judgement: each move has a credit
per global (`CREDITS`), a global is 1 + 4 × the mean credit, cultivating change talk blends in the share
of change talk drawn (40 %), and softening sustain talk looks at the moves that answered sustain talk or
discord when there were any.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache

from exercises.roleplay.cases import Case, cases
from exercises.roleplay.session import Session, Turn

FAIR_GOOD: dict[str, tuple[float, float]] = {
    "rq_ratio": (1.0, 2.0), "pct_complex": (40.0, 50.0), "pct_open": (50.0, 70.0),
    "cultivating_change_talk": (3.5, 4.0), "softening_sustain_talk": (3.5, 4.0),
    "partnership": (3.5, 4.0), "empathy": (3.5, 4.0),
}
GLOBALS = ("cultivating_change_talk", "softening_sustain_talk", "partnership", "empathy")
# code -> credit for (cultivating change talk, softening sustain talk, partnership, empathy), 0..1
CREDITS: dict[str, tuple[float, float, float, float]] = {
    "complex_reflection": (1.0, 1.0, 0.85, 1.0),
    "simple_reflection": (0.7, 0.9, 0.75, 0.8),
    "open_question": (0.9, 0.6, 0.85, 0.55),
    "affirm": (0.6, 0.7, 0.75, 0.6),
    "emphasize_autonomy": (0.6, 1.0, 1.0, 0.6),
    "seek_collaboration": (0.4, 0.7, 1.0, 0.5),
    "negotiate": (0.5, 0.2, 0.6, 0.4),
    "offer_options": (0.3, 0.4, 0.75, 0.4),
    "give_information": (0.3, 0.3, 0.35, 0.3),
    "closed_question": (0.2, 0.3, 0.3, 0.25),
    "other": (0.1, 0.3, 0.3, 0.3),
    "advise": (0.0, 0.0, 0.0, 0.1),
    "confront": (0.0, 0.0, 0.0, 0.0),
}
PERMITTED = (0.5, 0.5, 0.7, 0.4)  # information, options or advice after asking permission
ADHERENT = frozenset({"affirm", "seek_collaboration", "emphasize_autonomy"})

# Why a turn is worth redoing, and which of the case's better moves to show, by what the member did.
REDO: dict[str, tuple[str, str]] = {
    "advise": ("permission", "Advice before being asked tends to draw a 'yes, but'. Ask permission first, "
                             "or reflect what they already know."),
    "confront": ("double_sided", "Arguing for change makes the client argue against it. Hold both sides "
                                 "up for them instead."),
    "closed_question": ("open_question", "A closed question gets a short answer and leaves you doing the "
                                         "work. An open one lets them explore."),
    "give_information": ("permission", "Information lands better when they've said they want it."),
    "offer_options": ("permission", "Options land better once they've said they want some."),
    "negotiate": ("autonomy", "Planning before they're ready feels like pushing. Hand the choice back."),
    "simple_reflection": ("reflection", "A simple reflection keeps them talking. Adding the meaning or "
                                        "feeling underneath takes them further."),
    "open_question": ("reflection", "A good question, and a reflection here would have shown you "
                                    "understood before asking for more."),
    "affirm": ("reflection", "The affirmation was kind. Pairing it with a reflection keeps the focus on them."),
    "other": ("reflection", "That turn gave the client little to respond to. Reflect what you heard."),
    "emphasize_autonomy": ("double_sided", "Autonomy support was right. A double-sided reflection can "
                                           "add momentum."),
    "seek_collaboration": ("double_sided", "Asking permission was respectful. A reflection of both sides "
                                           "could have come first."),
    "complex_reflection": ("double_sided", "Already strong. A double-sided reflection holds both sides."),
}


@dataclass(frozen=True)
class Moment:
    turn: int  # 1-based
    member: str
    client: str
    why: str


@dataclass(frozen=True)
class Redo:
    turn: int
    member: str
    suggestion: str  # the case's better line, or "" when it leans on something the member never heard
    why: str
    before: str = ""  # what the client had just said when the member took that turn


@dataclass(frozen=True)
class Report:
    case_id: str
    turns: int
    open_questions: int
    closed_questions: int
    simple_reflections: int
    complex_reflections: int
    affirmations: int
    mi_adherent: int
    mi_non_adherent: int
    persuade_with_permission: int
    rq_ratio: float
    pct_complex: float
    pct_open: float
    change_talk: int
    sustain_talk: int
    discord_turns: int
    globals: dict[str, float]
    facts_found: int
    facts_total: int
    readiness_start: int
    readiness_end: int
    best: tuple[Moment, ...]
    redo: Redo | None

    def contract(self) -> dict[str, object]:
        """The `report` object of `oars chat --json` (issue #14, item 4): exact keys."""
        return {
            "open_questions": self.open_questions, "closed_questions": self.closed_questions,
            "simple_reflections": self.simple_reflections, "complex_reflections": self.complex_reflections,
            "affirmations": self.affirmations, "mi_adherent": self.mi_adherent,
            "mi_non_adherent": self.mi_non_adherent, "rq_ratio": self.rq_ratio, "pct_complex": self.pct_complex,
            "pct_open": self.pct_open, "change_talk": self.change_talk, "sustain_talk": self.sustain_talk,
            "globals": dict(self.globals),
        }

    def level(self, measure: str) -> str:
        """good | fair | below fair, against the MITI thresholds."""
        value = self.globals[measure] if measure in self.globals else float(getattr(self, measure))
        fair, good = FAIR_GOOD[measure]
        return "good" if value >= good else "fair" if value >= fair else "below fair"


def credits(turn: Turn) -> tuple[float, float, float, float]:
    return PERMITTED if turn.with_permission else CREDITS.get(turn.code, CREDITS["other"])


def quality(turn: Turn) -> float:
    """One number per turn for picking best moments and the turn to redo."""
    cct, sst, partnership, empathy = credits(turn)
    drew = 0.25 if turn.talk == "change" else -0.1 if turn.talk == "sustain" else 0.0
    return (cct + sst + partnership + empathy) / 4 + drew


def _pct(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


def _scale(mean: float) -> float:
    return round(min(5.0, max(1.0, 1.0 + 4.0 * mean)), 1)


def _globals(turns: tuple[Turn, ...], opening_talk: str, change: int, sustain: int) -> dict[str, float]:
    if not turns:
        return dict.fromkeys(GLOBALS, 1.0)
    table = [credits(t) for t in turns]

    def mean(i: int, rows: list[tuple[float, float, float, float]]) -> float:
        return sum(r[i] for r in rows) / len(rows)

    change_share = change / (change + sustain) if change + sustain else 0.5
    previous_talk = [opening_talk] + [t.talk for t in turns[:-1]]
    after_sustain = [row for row, before in zip(table, previous_talk, strict=True) if before == "sustain"]
    return {
        "cultivating_change_talk": _scale(0.6 * mean(0, table) + 0.4 * change_share),
        "softening_sustain_talk": _scale(mean(1, after_sustain) if after_sustain else mean(1, table)),
        "partnership": _scale(mean(2, table)),
        "empathy": _scale(mean(3, table)),
    }


def _best(turns: tuple[Turn, ...]) -> tuple[Moment, ...]:
    ranked = sorted(range(len(turns)), key=lambda i: (-quality(turns[i]), i))
    moments = []
    for i in ranked[:2]:
        turn = turns[i]
        if quality(turn) < 0.6:
            break
        why = ("It drew change talk." if turn.talk == "change" else
               "The client told you something new." if turn.category == "fact" else
               "It kept the client talking without pushing.")
        moments.append(Moment(i + 1, turn.member, turn.client, why))
    return tuple(sorted(moments, key=lambda m: m.turn))


def _redo(turns: tuple[Turn, ...], case: Case, opening: str, heard: str) -> Redo | None:
    if not turns:
        return None
    worst = min(range(len(turns)), key=lambda i: (quality(turns[i]), i))
    turn = turns[worst]
    code = "advise" if turn.non_adherent and turn.code != "confront" else turn.code
    kind, why = REDO.get(code, REDO["other"])
    if turn.with_permission:
        kind, why = "reflection", "Asking first was right. A reflection of their reaction keeps them exploring."
    before = turns[worst - 1].client if worst else opening
    suggestion = case.better[kind] if heard_of(case.better[kind], case, heard) else ""
    return Redo(worst + 1, turn.member, suggestion, why, before)


_WORD = re.compile(r"[a-z]+")


def _stems(text: str) -> set[str]:
    """Words of four letters or more, cut to five so 'Sunday' meets 'Sundays' and 'tutor' meets 'tutoring'."""
    return {w[:5] for w in _WORD.findall(text.lower()) if len(w) >= 4}


def _private(case: Case) -> str:
    return " ".join([*(f.text for f in case.facts), case.for_change, case.against_change])


@cache
def everyday_words() -> frozenset[str]:
    """Words found in three or more of the catalogue's cases ('team', 'feel', 'about'): saying them reveals
    nothing about one client."""
    seen: Counter[str] = Counter()
    for case in cases().values():
        lines = [line for kind in ("opening", "change", "sustain", "discord", "short") for line in case.lines(kind)]
        seen.update(_stems(" ".join([case.title, case.persona, case.you_are, case.topic, _private(case),
                                     *case.better.values(), *lines])))
    return frozenset(word for word, n in seen.items() if n >= 3)


def heard_of(line: str, case: Case, heard: str) -> bool:
    """False when `line` names something only the case knows (an undisclosed fact, the details behind the
    reasons for and against change) that the member never heard: a better line about the niece makes no sense
    to someone whose client never mentioned her. Inferences a good reflection may add (the client's values,
    words common to many cases) do not count."""
    return not ((_stems(line) & _stems(_private(case))) - _stems(heard) - everyday_words())


def _heard(session: Session, case: Case) -> str:
    """Everything the member was shown or told: the brief and every client line."""
    return " ".join([case.title, case.persona, case.you_are, case.topic, case.client, session.opening,
                     *(t.client for t in session.turns)])


def build_report(session: Session, case: Case) -> Report:
    """The report for a finished (or ended) session."""
    turns = session.turns
    codes = [t.code for t in turns]
    oq, cq = codes.count("open_question"), codes.count("closed_question")
    sr, cr = codes.count("simple_reflection"), codes.count("complex_reflection")
    change = sum(t.talk == "change" for t in turns)
    sustain = sum(t.talk == "sustain" for t in turns)
    questions, reflections = oq + cq, sr + cr
    return Report(
        case_id=case.id, turns=len(turns), open_questions=oq, closed_questions=cq, simple_reflections=sr,
        complex_reflections=cr, affirmations=codes.count("affirm"),
        mi_adherent=sum(c in ADHERENT for c in codes), mi_non_adherent=sum(t.non_adherent for t in turns),
        persuade_with_permission=sum(t.with_permission and t.code == "advise" for t in turns),
        rq_ratio=round(reflections / max(questions, 1), 2), pct_complex=_pct(cr, reflections),
        pct_open=_pct(oq, questions), change_talk=change, sustain_talk=sustain,
        discord_turns=sum(t.discord for t in turns), globals=_globals(turns, "neutral", change, sustain),
        facts_found=session.facts, facts_total=len(case.facts), readiness_start=case.start.readiness,
        readiness_end=session.state.readiness, best=_best(turns),
        redo=_redo(turns, case, session.opening, _heard(session, case)),
    )
