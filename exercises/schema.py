"""Schema checks for the packaged drill and tip YAML.

Hand-written rather than a JSON-Schema library so that every message names the file, the item and the
field in words an author of drills understands, and so the loader has no extra dependency.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from exercises.model import Drill, Option, Tip
from exercises.vocabulary import FREE_TEXT_KINDS, KINDS, ONE_CLICK_KINDS, SKILLS

TIP_MAX_CHARS = 280
DIFFICULTIES = (1, 2, 3)
MAX_MODEL_ANSWERS = 3
MAX_HINTS = 3
MIN_OPTIONS, MAX_OPTIONS = 2, 4

DRILL_KEYS = frozenset(
    {"id", "kind", "difficulty", "setting", "prompt", "instruction", "model_answers", "hints", "options"}
)
OPTION_KEYS = frozenset({"text", "correct", "why"})
TIP_KEYS = frozenset({"id", "text", "skills", "situations", "example"})


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one catalogue item, phrased for the person who wrote it."""

    file: str
    item: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.item}: {self.message}"


class _Collector:
    """Gathers problems for one file so each checker can report many at once instead of stopping."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []
        self.ids: list[str] = []  # every real id seen, good item or bad, for the duplicate check

    def add(self, item: str, message: str) -> None:
        self.problems.append(Problem(self.file, item, message))


# libyaml's C parser when PyYAML was built with it: the same safe subset, about 15x faster (start-up, #17).
_SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path, out: _Collector) -> Any:
    """Parse one YAML file; a syntax error becomes a problem rather than a crash."""
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        out.add("-", f"cannot read YAML: {' '.join(str(exc).split())}")
        return None


def _text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _str_list(raw: Mapping[str, Any], key: str, item: str, out: _Collector, lo: int, hi: int) -> list[str]:
    """A list of non-empty strings with a length range; absent means empty."""
    value = raw.get(key, [])
    if value is None:
        value = []
    if not isinstance(value, list):
        out.add(item, f"{key} must be a list of strings, not {type(value).__name__}")
        return []
    good = [v.strip() for v in value if _text(v)]
    if len(good) != len(value):
        out.add(item, f"{key} must contain only non-empty strings")
    if not lo <= len(value) <= hi:
        out.add(item, f"{key} must have {lo}..{hi} entries, has {len(value)}")
    return good


def _options(raw: Mapping[str, Any], item: str, out: _Collector) -> list[Option]:
    value = raw.get("options")
    if not isinstance(value, list):
        out.add(item, "a one-click drill needs a list of options")
        return []
    if not MIN_OPTIONS <= len(value) <= MAX_OPTIONS:
        out.add(item, f"options must have {MIN_OPTIONS}..{MAX_OPTIONS} entries, has {len(value)}")
    options: list[Option] = []
    for n, opt in enumerate(value, 1):
        if not isinstance(opt, dict):
            out.add(item, f"option {n} must be a mapping with text, correct and why")
            continue
        for key in sorted(set(opt) - OPTION_KEYS, key=str):
            out.add(item, f"option {n} has unknown field {key!r}")
        if not _text(opt.get("text")):
            out.add(item, f"option {n} has no text")
        if not isinstance(opt.get("correct"), bool):
            out.add(item, f"option {n} needs correct: true or false")
        if not _text(opt.get("why")):
            out.add(item, f"option {n} has no why")
        options.append(Option(str(opt.get("text", "")).strip(), opt.get("correct") is True,
                              str(opt.get("why", "")).strip()))
    correct = sum(o.correct for o in options)
    if correct != 1:
        out.add(item, f"a one-click drill needs exactly one correct option, has {correct}")
    texts = [o.text for o in options]
    if len(set(texts)) != len(texts):
        out.add(item, "two options have the same text")
    return options


def _item_id(raw: object, index: int, what: str, allowed: frozenset[str], out: _Collector) -> str | None:
    """The item's id for problem reports (or '#n'); checks it is a mapping with known fields only."""
    if not isinstance(raw, dict):
        out.add(f"#{index}", f"a {what} must be a mapping")
        return None
    item = str(raw["id"]).strip() if _text(raw.get("id")) else f"#{index}"
    if item.startswith("#"):
        out.add(item, "missing id")
    else:
        out.ids.append(item)
    for key in sorted(set(raw) - allowed, key=str):
        out.add(item, f"unknown field {key!r}")
    return item


def parse_drill(raw: object, skill: str, index: int, out: _Collector) -> Drill | None:
    """Check one drill mapping; returns the Drill only when it has no problems."""
    before = len(out.problems)
    item = _item_id(raw, index, "drill", DRILL_KEYS, out)
    if item is None or not isinstance(raw, dict):
        return None
    kind = raw.get("kind")
    if kind not in KINDS:
        out.add(item, f"unknown kind {kind!r} (expected one of: {', '.join(KINDS)})")
    difficulty = raw.get("difficulty")
    if isinstance(difficulty, bool) or not isinstance(difficulty, int):
        out.add(item, f"difficulty must be an integer 1..3, not {difficulty!r}")
    elif difficulty not in DIFFICULTIES:
        out.add(item, f"difficulty {difficulty} out of range 1..3")
    if not _text(raw.get("setting")):
        out.add(item, "setting must be a non-empty string")
    if not _text(raw.get("prompt")):
        out.add(item, "empty prompt")
    instruction = raw.get("instruction", "")
    if instruction is not None and not isinstance(instruction, str):
        out.add(item, "instruction must be a string")
    hints = _str_list(raw, "hints", item, out, 0, MAX_HINTS)
    one_click = kind in ONE_CLICK_KINDS
    options: list[Option] = []
    if one_click:
        options = _options(raw, item, out)
        answers = _str_list(raw, "model_answers", item, out, 0, MAX_MODEL_ANSWERS)
        answers = answers or [o.text for o in options if o.correct]
    else:
        if "options" in raw:
            out.add(item, f"options are only for one-click kinds ({', '.join(ONE_CLICK_KINDS)})")
        if kind in FREE_TEXT_KINDS and not raw.get("model_answers"):
            out.add(item, "missing model answer (free-text drills need 1..3 model_answers)")
            answers = []
        else:
            answers = _str_list(raw, "model_answers", item, out, 1, MAX_MODEL_ANSWERS)
    if len(out.problems) > before:
        return None
    return Drill(
        id=item, skill=skill, kind=str(kind), difficulty=int(difficulty),  # type: ignore[arg-type]
        setting=str(raw["setting"]).strip(), prompt=str(raw["prompt"]).strip(),
        model_answers=tuple(answers), hints=tuple(hints), options=tuple(options),
        instruction=(instruction or "").strip(),
    )


def parse_drill_file(path: Path) -> tuple[list[Drill], list[Problem], list[str]]:
    """Check one `drills/<skill>.yaml`; the file's skill applies to every drill in it."""
    out = _Collector(path.name)
    data = read_yaml(path, out)
    if data is None and out.problems:
        return [], out.problems, out.ids
    if not isinstance(data, dict):
        out.add("-", "the file must be a mapping with `skill` and `drills`")
        return [], out.problems, out.ids
    for key in sorted(set(data) - {"skill", "drills"}, key=str):
        out.add("-", f"unknown top-level field {key!r}")
    skill = data.get("skill")
    if skill not in SKILLS:
        out.add("-", f"unknown skill {skill!r} (expected one of: {', '.join(SKILLS)})")
    elif path.stem != skill:
        out.add("-", f"file name should be {skill}.yaml to match its skill")
    raw_drills = data.get("drills")
    if not isinstance(raw_drills, list):
        out.add("-", "`drills` must be a list")
        return [], out.problems, out.ids
    drills = [d for n, raw in enumerate(raw_drills, 1)
              if (d := parse_drill(raw, str(skill), n, out)) is not None]
    if skill not in SKILLS:
        return [], out.problems, out.ids
    return drills, out.problems, out.ids


def parse_tip(raw: object, index: int, out: _Collector) -> Tip | None:
    """Check one tip mapping; returns the Tip only when it has no problems."""
    before = len(out.problems)
    item = _item_id(raw, index, "tip", TIP_KEYS, out)
    if item is None or not isinstance(raw, dict):
        return None
    text = raw.get("text")
    if not _text(text):
        out.add(item, "empty text")
    elif len(str(text).strip()) > TIP_MAX_CHARS:
        out.add(item, f"text is {len(str(text).strip())} characters, over {TIP_MAX_CHARS}")
    skills = _str_list(raw, "skills", item, out, 1, len(SKILLS))
    for s in skills:
        if s not in SKILLS:
            out.add(item, f"unknown skill tag {s!r}")
    situations = _str_list(raw, "situations", item, out, 0, 20)
    example = raw.get("example", "")
    if example is not None and not isinstance(example, str):
        out.add(item, "example must be a string")
    if len(out.problems) > before:
        return None
    return Tip(item, str(text).strip(), tuple(skills), tuple(situations), (example or "").strip())


def parse_tips_file(path: Path) -> tuple[list[Tip], list[Problem], list[str]]:
    """Check `tips.yaml`: a mapping with one `tips` list."""
    out = _Collector(path.name)
    data = read_yaml(path, out)
    if data is None and out.problems:
        return [], out.problems, out.ids
    if not isinstance(data, dict) or not isinstance(data.get("tips"), list):
        out.add("-", "the file must be a mapping with a `tips` list")
        return [], out.problems, out.ids
    for key in sorted(set(data) - {"tips"}, key=str):
        out.add("-", f"unknown top-level field {key!r}")
    tips = [t for n, raw in enumerate(data["tips"], 1) if (t := parse_tip(raw, n, out)) is not None]
    return tips, out.problems, out.ids


def duplicate_problems(items: list[tuple[str, str]]) -> list[Problem]:
    """Report every (file, id) whose id already appeared, naming where it was first seen."""
    first: dict[str, str] = {}
    problems: list[Problem] = []
    for file, item_id in items:
        if item_id in first:
            problems.append(Problem(file, item_id, f"duplicate id (first in {first[item_id]})"))
        else:
            first[item_id] = file
    return problems
