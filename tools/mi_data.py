"""Training data for the MI model: AnnoMI utterances with their context, our coder examples, graded replies.

AnnoMI is read from the shared file at training time only (never copied into the repository). The dev
split holds out whole transcripts (tools.coder_data.held_out_group), so numbers on it are honest.
"""

from __future__ import annotations

import csv
import json
import os
import random
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tools.coder_data import MAIN_OF, held_out_group, load_examples

ROOT = Path(__file__).resolve().parent.parent
GRADER_DATA = ROOT / "tools" / "grader_data"
LEGACY_GRADER_DATA = ROOT / "tests" / "exercises" / "data"

BEHAVIOURS = ("question", "reflection", "therapist_input", "other")
QTYPES = ("open", "closed")
RTYPES = ("simple", "complex")
ITYPES = ("information", "advice", "options", "negotiation")
TALK = ("change", "sustain", "neutral")
# AnnoMI "other" covers these of our codes; a partial label lets the 13-code head learn from it.
OTHER_CODES = ("affirm", "seek_collaboration", "emphasize_autonomy", "confront", "other")


def annomi_path() -> Path:
    """The shared AnnoMI file: $OARS_ANNOMI, else the first `shared/` found beside the repo or its parents."""
    env = os.environ.get("OARS_ANNOMI")
    if env:
        return Path(env)
    for parent in ROOT.parents:
        candidate = parent / "shared" / "data" / "annomi" / "annomi-train.csv"
        if candidate.exists():
            return candidate
    return ROOT.parent / "shared" / "data" / "annomi" / "annomi-train.csv"


@dataclass(frozen=True)
class Utterance:
    """One coder training row. Labels are None where the source says nothing about that head."""

    text: str
    context: tuple[str, ...]
    group: str
    behaviour: str | None = None
    qtype: str | None = None
    rtype: str | None = None
    itype: str | None = None
    talk: str | None = None
    code: str | None = None  # one of the 13 codes
    code_set: tuple[str, ...] = ()  # partial label: the code is one of these


def _sub(value: str) -> str:
    return value.strip().lower()


def load_annomi(path: Path | None = None, context_turns: int = 3) -> tuple[list[Utterance], list[Utterance]]:
    """(train, dev) utterances; dev = whole held-out transcripts."""
    rows = list(csv.DictReader((path or annomi_path()).open(encoding="utf-8", newline="")))
    by_tid: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_tid.setdefault(row["transcript_id"], []).append(row)
    train: list[Utterance] = []
    dev: list[Utterance] = []
    for tid, turns in by_tid.items():
        turns.sort(key=lambda r: int(r["utterance_id"]))
        texts = [r["utterance_text"].strip() for r in turns]
        for i, row in enumerate(turns):
            text = texts[i]
            if not text:
                continue
            ctx = tuple(t for t in texts[max(0, i - context_turns) : i] if t)
            group = f"annomi-{tid}"
            if row["interlocutor"] == "client":
                talk = _sub(row["client_talk_type"])
                if talk not in TALK:
                    continue
                item = Utterance(text, ctx, group, talk=talk)
            else:
                beh = _sub(row["main_therapist_behaviour"])
                if beh not in BEHAVIOURS:
                    continue
                q = _sub(row["question_subtype"]) if beh == "question" else ""
                r = _sub(row["reflection_subtype"]) if beh == "reflection" else ""
                t = _sub(row["therapist_input_subtype"]) if beh == "therapist_input" else ""
                code = None
                code_set: tuple[str, ...] = ()
                if beh == "question" and q in QTYPES:
                    code = f"{q}_question"
                elif beh == "reflection" and r in RTYPES:
                    code = f"{r}_reflection"
                elif beh == "therapist_input":
                    code = {"information": "give_information", "advice": "advise", "options": "offer_options",
                            "negotiation": "negotiate"}.get(t)
                    if code is None:
                        code_set = ("give_information", "advise", "offer_options", "negotiate")
                elif beh == "other":
                    code_set = OTHER_CODES
                item = Utterance(text, ctx, group, behaviour=beh, qtype=q if q in QTYPES else None,
                                 rtype=r if r in RTYPES else None, itype=t if t in ITYPES else None,
                                 code=code, code_set=code_set)
            (dev if held_out_group(tid) else train).append(item)
    return train, dev


def load_coder_examples() -> list[Utterance]:
    """Our own hand-written, sentence-level examples of the 13 codes (no context)."""
    out = []
    for ex in load_examples():
        beh = MAIN_OF[ex.code]
        out.append(Utterance(
            ex.text, (), f"own-{ex.group}", behaviour=beh,
            qtype={"open_question": "open", "closed_question": "closed"}.get(ex.code),
            rtype={"simple_reflection": "simple", "complex_reflection": "complex"}.get(ex.code),
            itype={"give_information": "information", "advise": "advice", "offer_options": "options",
                   "negotiate": "negotiation"}.get(ex.code),
            code=ex.code))
    return out


@dataclass(frozen=True)
class GradedReply:
    """One labelled drill reply and the writer who wrote it (the unit of leave-one-writer-out)."""

    writer: str
    kind: str
    prompt: str
    reply: str
    expect: str
    problem: str | None


def load_graded(include_legacy: bool = True) -> list[GradedReply]:
    """Every labelled reply: independent writers' batches in tools/grader_data, plus the older labelled
    batches under tests/exercises/data (one writer per file)."""
    out: list[GradedReply] = []
    for path in sorted(GRADER_DATA.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                r = json.loads(line)
                out.append(GradedReply(r.get("writer") or path.stem, r["kind"], r["prompt"], r["reply"],
                                       r["expect"], r.get("problem")))
    if include_legacy:
        for path in sorted(LEGACY_GRADER_DATA.glob("*_replies*.jsonl")):
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    r = json.loads(line)
                    out.append(GradedReply(f"legacy-{path.stem}", r["kind"], r["prompt"], r["reply"],
                                           r["expected"], None))
    return out


SALAD_WRITER = "salad-"
SALAD_OPENERS = ("", "", "You ", "You feel ", "It sounds like ", "So you ", "I hear that ", "What ")


def word_salad(rows: list[GradedReply], every: int = 16, lexicon: Sequence[str] = ()) -> list[GradedReply]:
    """Nonsense made of real words, labelled revise/gibberish, for training only.

    The writers' gibberish is keyboard mash ("asdfgh", "k"); a string of real words with no sentence in it
    ("You meadow lantern quietly harbour...") passed as a clear reflection, because nothing taught the head
    that a reply must say something. For one reply in `every`, words are drawn from `lexicon` (the encoder's
    whole-word vocabulary: any English word), some after an opener a reflection or question would use.
    Without a lexicon they come from the writers' replies at their natural frequency; that salad looked like
    terse texting ("u losing of can that and wear") and taught the heads to revise good informal replies
    ("who came in with you": 0.6 points more good replies revised, 8 writer groups held out). Each row's
    writer is `salad-<source>`: a fold that holds a writer out leaves out the salad built on that writer's
    prompts too."""
    pool = list(lexicon) or [w for r in rows for w in r.reply.split() if w.isalpha()]
    out: list[GradedReply] = []
    for i, r in enumerate(rows[::every]):
        rng = random.Random(zlib.crc32(f"{r.writer}\x1f{r.reply}".encode()))
        body = " ".join(rng.choice(pool).lower() for _ in range(rng.randint(4, 26)))
        text = (SALAD_OPENERS[i % len(SALAD_OPENERS)] + body).strip()
        text = text[0].upper() + text[1:] + rng.choice((".", ".", "", "?" if text.startswith("What") else "."))
        out.append(GradedReply(SALAD_WRITER + r.writer, r.kind, r.prompt, text, "revise", "gibberish"))
    return out


def mismatched(rows: list[GradedReply], every: int = 8, across: bool = False) -> list[GradedReply]:
    """Good replies put under another prompt of the same kind, labelled revise/off_content (training only).

    A fluent, warm reply about something the client never said ("you're worn out and not sure the change is
    worth it" to a buyer who only said the price is higher) passed with P 0.98. The other prompt is the same
    writer's (same setting: subtle pairs) or, with `across`, another writer's (another setting). The rows carry
    the writer's name behind SALAD_WRITER, so a fold that holds the writer out leaves them out too. Measured and
    not shipped: the heads revised more good replies than they caught off-content ones (bench/RESULTS.md)."""
    prompts: dict[tuple[str, str], list[str]] = {}
    for r in rows:
        bucket = prompts.setdefault((r.writer, r.kind), [])
        if r.prompt not in bucket:
            bucket.append(r.prompt)
    by_kind: dict[str, list[tuple[str, str]]] = {}  # kind -> (writer, prompt), two prompts per writer
    for (writer, kind), bucket in prompts.items():
        if not writer.startswith("legacy-"):
            by_kind.setdefault(kind, []).extend((writer, p) for p in bucket[:2])
    out: list[GradedReply] = []
    for r in [r for r in rows if r.expect == "pass"][::every]:
        if across:
            others = [p for w, p in by_kind.get(r.kind, []) if w != r.writer]
        else:
            others = [p for p in prompts[(r.writer, r.kind)] if p != r.prompt]
        if not others:
            continue
        rng = random.Random(zlib.crc32(f"swap\x1f{r.writer}\x1f{r.reply}".encode()))
        out.append(GradedReply(SALAD_WRITER + r.writer, r.kind, rng.choice(others), r.reply, "revise", "off_content"))
    return out


def lexicon(vocab: Sequence[str]) -> list[str]:
    """Whole English words from a WordPiece vocabulary (no pieces, marks or numbers), for word_salad."""
    return [t for t in vocab if t.isalpha() and t.isascii() and len(t) >= 3]
