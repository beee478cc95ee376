"""Role-play cases as data: each an ambivalent client authored in YAML under exercises/data/roleplay/.

A case is everything the simulated client may say: an opening, facts it gives only to a good question
or reflection, change and sustain lines (change lines ordered from tentative to committed), discord
lines, short answers to closed questions, closing lines, and the better moves the report suggests.
Loading validates every case so an authoring slip fails `oars catalogue check` and the tests, not a session.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from exercises.vocabulary import SKILL_ALIASES, SKILLS, normalise_name

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "roleplay"
TALK = ("change", "sustain", "neutral")
SETTINGS = ("team lead", "sales", "HR", "customer success", "coaching", "health", "education", "family")
BETTER_KINDS = ("reflection", "double_sided", "open_question", "affirmation", "autonomy", "permission")
# Minimum lines per category: enough that a 12-turn session rarely needs the shared fallback lines.
MINIMUM = {"opening": 2, "facts": 3, "change": 5, "sustain": 5, "discord": 3, "short": 3}
_KEYS = frozenset({"id", "title", "setting", "skills", "client", "persona", "you_are", "topic", "start", "values",
                   "for_change", "against_change", "opening", "facts", "change", "sustain", "discord", "short",
                   "closing_ready", "closing_unready", "better"})


class CaseError(ValueError):
    """A case file is malformed; the message names the file and what is wrong."""


@dataclass(frozen=True)
class Fact:
    """Something the client tells only when asked well; `talk` is how an MI coder would code the line."""

    text: str
    talk: str


@dataclass(frozen=True)
class Start:
    engagement: int
    discord: int
    readiness: int


@dataclass(frozen=True)
class Case:
    id: str
    title: str
    setting: str
    skills: tuple[str, ...]
    client: str  # the client's first name
    persona: str  # who the client is, shown to the member at the start
    you_are: str  # the member's role in the scene
    topic: str
    start: Start
    values: tuple[str, ...]
    for_change: str  # the side of the ambivalence that leans towards change
    against_change: str  # the side that leans towards staying put
    opening: tuple[str, ...]
    facts: tuple[Fact, ...]
    change: tuple[str, ...]  # ordered: desire and reasons first, commitment last
    sustain: tuple[str, ...]
    discord: tuple[str, ...]
    short: tuple[str, ...]  # curt answers to closed questions
    closing_ready: str
    closing_unready: str
    better: dict[str, str]  # BETTER_KINDS -> a model practitioner line for this client

    def lines(self, category: str) -> tuple[str, ...]:
        """The case's own lines of one category (facts as their text)."""
        if category == "facts":
            return tuple(f.text for f in self.facts)
        value = getattr(self, category)
        return tuple(value)


@dataclass(frozen=True)
class CommonLines:
    """Case-free lines used when a case runs out of its own, so nothing repeats within a session."""

    change: tuple[str, ...]
    sustain: tuple[str, ...]
    discord: tuple[str, ...]
    short: tuple[str, ...]
    filler: tuple[str, ...]  # neutral noises for small talk and unasked information
    permission: tuple[str, ...]
    permission_grudging: tuple[str, ...]
    repeat: tuple[str, ...]  # the member says again what they already said


def _text_list(raw: Any, where: str, minimum: int) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(x, str) and x.strip() for x in raw):
        raise CaseError(f"{where}: must be a list of non-empty strings")
    if len(raw) < minimum:
        raise CaseError(f"{where}: needs at least {minimum} lines, has {len(raw)}")
    return tuple(x.strip() for x in raw)


def _text(raw: Any, where: str) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise CaseError(f"{where}: must be a non-empty string")
    return raw.strip()


def parse_case(raw: Any, where: str) -> Case:
    """One case from its YAML mapping; every problem raises CaseError naming `where`."""
    if not isinstance(raw, dict):
        raise CaseError(f"{where}: a case must be a mapping")
    unknown = set(raw) - _KEYS
    missing = _KEYS - set(raw)
    if unknown or missing:
        raise CaseError(f"{where}: unknown keys {sorted(unknown)}, missing keys {sorted(missing)}")
    cid = _text(raw["id"], where)
    where = f"{where} ({cid})"
    if raw["setting"] not in SETTINGS:
        raise CaseError(f"{where}: setting must be one of {SETTINGS}")
    skills = tuple(raw["skills"] or ())
    if not skills or any(s not in SKILLS for s in skills):
        raise CaseError(f"{where}: skills must name skills from exercises.vocabulary.SKILLS")
    start = raw["start"] or {}
    try:
        begin = Start(int(start["engagement"]), int(start["discord"]), int(start["readiness"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise CaseError(f"{where}: start needs integer engagement, discord and readiness") from exc
    if not (0 <= begin.engagement <= 4 and 0 <= begin.discord <= 3 and 0 <= begin.readiness <= 4):
        raise CaseError(f"{where}: start is out of range (engagement 0-4, discord 0-3, readiness 0-4)")
    facts = []
    for n, item in enumerate(raw["facts"] or ()):
        if not isinstance(item, dict) or item.get("talk") not in TALK:
            raise CaseError(f"{where}: facts[{n}] needs text and talk (change|sustain|neutral)")
        facts.append(Fact(_text(item.get("text"), f"{where}: facts[{n}]"), str(item["talk"])))
    if len(facts) < MINIMUM["facts"]:
        raise CaseError(f"{where}: needs at least {MINIMUM['facts']} facts")
    better = raw["better"] or {}
    if not isinstance(better, dict) or set(better) != set(BETTER_KINDS):
        raise CaseError(f"{where}: better needs exactly {BETTER_KINDS}")
    case = Case(
        id=cid, title=_text(raw["title"], where), setting=str(raw["setting"]), skills=skills,
        client=_text(raw["client"], where), persona=_text(raw["persona"], where),
        you_are=_text(raw["you_are"], where), topic=_text(raw["topic"], where), start=begin,
        values=_text_list(raw["values"], f"{where}: values", 1),
        for_change=_text(raw["for_change"], where), against_change=_text(raw["against_change"], where),
        opening=_text_list(raw["opening"], f"{where}: opening", MINIMUM["opening"]), facts=tuple(facts),
        change=_text_list(raw["change"], f"{where}: change", MINIMUM["change"]),
        sustain=_text_list(raw["sustain"], f"{where}: sustain", MINIMUM["sustain"]),
        discord=_text_list(raw["discord"], f"{where}: discord", MINIMUM["discord"]),
        short=_text_list(raw["short"], f"{where}: short", MINIMUM["short"]),
        closing_ready=_text(raw["closing_ready"], where), closing_unready=_text(raw["closing_unready"], where),
        better={k: _text(better[k], f"{where}: better.{k}") for k in BETTER_KINDS},
    )
    every = [line for cat in ("opening", "facts", "change", "sustain", "discord", "short") for line in case.lines(cat)]
    if len(set(every)) != len(every):
        raise CaseError(f"{where}: a client line appears twice")
    return case


def load_cases(directory: Path = DATA_DIR) -> dict[str, Case]:
    """Every case in `directory/cases/*.yaml`, keyed by id (ids unique across files)."""
    cases: dict[str, Case] = {}
    for path in sorted((directory / "cases").glob("*.yaml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for n, item in enumerate(raw.get("cases") or ()):
            case = parse_case(item, f"{path.name}: cases[{n}]")
            if case.id in cases:
                raise CaseError(f"{path.name}: case id {case.id!r} is used twice")
            cases[case.id] = case
    return cases


def load_common(directory: Path = DATA_DIR) -> CommonLines:
    raw = yaml.safe_load((directory / "common.yaml").read_text(encoding="utf-8")) or {}
    return CommonLines(**{k: _text_list(raw.get(k), f"common.yaml: {k}", 3) for k in CommonLines.__dataclass_fields__})


@cache
def cases() -> dict[str, Case]:
    """The packaged cases (loaded once)."""
    return load_cases()


@cache
def common_lines() -> CommonLines:
    return load_common()


def find_cases(query: str, catalogue: dict[str, Case] | None = None) -> list[Case] | None:
    """Cases matching what the member typed after `roleplay`: a case id, a setting, a skill or a word of a title.

    Empty query: every case. None when nothing matches (the caller lists what exists).
    """
    every = catalogue if catalogue is not None else cases()
    word = normalise_name(query)
    if not word:
        return list(every.values())
    if word.replace("_", "-") in every:
        return [every[word.replace("_", "-")]]
    by_setting = [c for c in every.values() if normalise_name(c.setting) == word]
    if by_setting:
        return by_setting
    skill = SKILL_ALIASES.get(word)
    if skill:
        return [c for c in every.values() if skill in c.skills] or None
    plain = query.strip().lower()
    by_title = [c for c in every.values() if plain and (plain in c.title.lower() or plain in c.topic.lower())]
    return by_title or None
