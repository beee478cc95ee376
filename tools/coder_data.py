"""Loading labelled utterances for the coder: our hand-written examples and (when present) AnnoMI.

Shared by tools/train_coder.py and bench/bench_coder.py so both see exactly the same splits.
"""

from __future__ import annotations

import csv
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from exercises.vocabulary import CODES

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES_DIR = ROOT / "tools" / "coder_examples"
DEFAULT_ANNOMI = ROOT.parent / "shared" / "data" / "annomi" / "annomi-train.csv"

ABBREV: dict[str, str] = {
    "OQ": "open_question",
    "CQ": "closed_question",
    "SR": "simple_reflection",
    "CR": "complex_reflection",
    "AF": "affirm",
    "SC": "seek_collaboration",
    "EA": "emphasize_autonomy",
    "GI": "give_information",
    "AD": "advise",
    "NE": "negotiate",
    "OO": "offer_options",
    "CO": "confront",
    "OT": "other",
}
assert set(ABBREV.values()) == set(CODES)

# AnnoMI's four main behaviours, and where each of our 13 codes falls among them.
MAIN_OF: dict[str, str] = {
    "open_question": "question",
    "closed_question": "question",
    "simple_reflection": "reflection",
    "complex_reflection": "reflection",
    "give_information": "therapist_input",
    "advise": "therapist_input",
    "negotiate": "therapist_input",
    "offer_options": "therapist_input",
    "affirm": "other",
    "seek_collaboration": "other",
    "emphasize_autonomy": "other",
    "confront": "other",
    "other": "other",
}


@dataclass(frozen=True)
class Example:
    text: str
    code: str
    group: str


def held_out_group(group: str, folds: int = 5) -> bool:
    """Deterministic split by group name: about one group in `folds` is held out for evaluation."""
    return zlib.crc32(group.encode("utf-8")) % folds == 0


def load_examples(directory: Path = EXAMPLES_DIR) -> list[Example]:
    """Read every `*.tsv` under `directory` (CODE<TAB>text rows, `# group:` headers)."""
    out: list[Example] = []
    for path in sorted(directory.glob("*.tsv")):
        group = path.stem
        for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            line = raw.rstrip("\n")
            if not line.strip():
                continue
            if line.startswith("#"):
                if line.lower().startswith("# group:"):
                    group = line.split(":", 1)[1].strip()
                continue
            abbrev, _, text = line.partition("\t")
            if abbrev not in ABBREV or not text.strip():
                raise ValueError(f"{path.name}:{n}: bad row {line!r}")
            out.append(Example(text.strip(), ABBREV[abbrev], group))
    return out


def split_examples(examples: list[Example]) -> tuple[list[Example], list[Example]]:
    train = [e for e in examples if not held_out_group(e.group)]
    dev = [e for e in examples if held_out_group(e.group)]
    return train, dev


def _col(row: dict[str, str], *names: str) -> str:
    for name in names:
        value = row.get(name)
        if value is not None:
            return value.strip().lower()
    return ""


def annomi_code(row: dict[str, str]) -> str | None:
    """Map one AnnoMI therapist row to our code; None for client rows or unusable labels."""
    if _col(row, "interlocutor") not in ("therapist", "t"):
        return None
    main = _col(row, "main_therapist_behaviour", "main_therapist_behavior").replace(" ", "_")
    if main == "question":
        sub = _col(row, "question_subtype")
        return "closed_question" if sub.startswith("closed") else "open_question" if sub else None
    if main == "reflection":
        sub = _col(row, "reflection_subtype")
        return "complex_reflection" if sub.startswith("complex") else "simple_reflection" if sub else None
    if main in ("therapist_input", "input"):
        sub = _col(row, "therapist_input_subtype")
        for key, code in (("advice", "advise"), ("option", "offer_options"), ("negotiat", "negotiate"),
                          ("goal", "negotiate"), ("inform", "give_information")):
            if key in sub:
                return code
        return "give_information"
    if main == "other":
        return "other"
    return None


def iter_annomi(path: Path) -> Iterator[tuple[str, Example]]:
    """(transcript id, example) for each usable therapist utterance; tolerant of missing columns."""
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            code = annomi_code(row)
            text = (row.get("utterance_text") or "").strip()
            if code is None or not text:
                continue
            tid = (row.get("transcript_id") or "").strip()
            yield tid, Example(text, code, f"annomi-{tid}")


def load_annomi(path: Path) -> tuple[list[Example], list[Example]]:
    """AnnoMI train and dev examples, the dev split held out by transcript (deterministic)."""
    train: list[Example] = []
    dev: list[Example] = []
    for tid, example in iter_annomi(path):
        (dev if held_out_group(tid) else train).append(example)
    return train, dev
