"""Training-data plumbing: our example files parse, splits are by group, AnnoMI rows map defensively."""

from __future__ import annotations

import csv
from pathlib import Path

from exercises.vocabulary import CODES
from tools.coder_data import annomi_code, load_annomi, load_examples, split_examples


def test_examples_parse_and_cover_every_code() -> None:
    examples = load_examples()
    assert len(examples) >= 1500
    assert {e.code for e in examples} == set(CODES)


def test_split_is_by_group_and_deterministic() -> None:
    train, dev = split_examples(load_examples())
    assert dev and train
    assert not {e.group for e in train} & {e.group for e in dev}
    assert split_examples(load_examples())[1] == dev


def test_annomi_rows_map_defensively(tmp_path: Path) -> None:
    path = tmp_path / "mini.csv"
    rows = [
        {"transcript_id": "1", "interlocutor": "therapist", "utterance_text": "How are things?",
         "main_therapist_behaviour": "question", "question_subtype": "open"},
        {"transcript_id": "1", "interlocutor": "client", "utterance_text": "Fine.",
         "main_therapist_behaviour": "n/a"},
        {"transcript_id": "2", "interlocutor": "therapist", "utterance_text": "You feel stuck.",
         "main_therapist_behaviour": "reflection", "reflection_subtype": "complex"},
        {"transcript_id": "3", "interlocutor": "therapist", "utterance_text": "Try patches.",
         "main_therapist_behaviour": "therapist_input", "therapist_input_subtype": "advice"},
    ]
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=sorted({k for r in rows for k in r}))
        writer.writeheader()
        writer.writerows(rows)
    train, dev = load_annomi(path)
    codes = sorted(e.code for e in train + dev)
    assert codes == ["advise", "complex_reflection", "open_question"]
    assert annomi_code({"interlocutor": "therapist", "main_therapist_behaviour": "other"}) == "other"
    assert annomi_code({"interlocutor": "therapist"}) is None
