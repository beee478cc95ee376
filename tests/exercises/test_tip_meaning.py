"""Tips by meaning: they match what people mean, say when nothing fits, and are measured on situations written
by someone who never read the tips (tests/exercises/data/tip_situations.jsonl; which tips fit each situation is
labelled separately in tip_situation_labels.json)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from exercises import semantic
from exercises.catalogue import load_catalogue
from exercises.tipmeaning import VECTORS_PATH, TipMatcher, views

DATA = Path(__file__).parent / "data"
needs_model = pytest.mark.skipif(not semantic.available(), reason="sentence model not installed")

# Measured on the blind situations (top 3 holds a tip labelled as fitting; a declined on-topic situation is a miss).
# With the 103 tips of the time: today's BM25 ranker 46/70 (65.7%), declining 0 of 10 off-topic lines; this ranker
# 42/70 (60.0%) at first sight, 45/70 (64.3%) after one revision (z-score fusion, concept slack; 49/70 = 70.0% if
# its declines are ignored), declining 9 of 10. With three tips added for gaps the issue names (quitting, a
# colleague's drinking, "you don't understand"): BM25 49/70 (70.0%), this ranker 48/70 (68.6%; 52/70 = 74.3%
# ignoring declines).
TOP3_TARGET = 0.65
DECLINE_TARGET = 0.8


def _situations() -> list[tuple[str, list[str]]]:
    labels = json.loads((DATA / "tip_situation_labels.json").read_text(encoding="utf-8"))
    rows = [json.loads(line) for line in (DATA / "tip_situations.jsonl").read_text(encoding="utf-8").splitlines()]
    return [(row["situation"], labels[row["situation"]]) for row in rows]


def test_blind_situations_are_kept_and_labelled() -> None:
    cases = _situations()
    tips = set(load_catalogue().tips)
    assert len([c for c in cases if c[1]]) >= 60
    assert all(set(want) <= tips for _, want in cases)


def test_packaged_vectors_cover_every_tip_text() -> None:
    with np.load(VECTORS_PATH, allow_pickle=False) as data:
        stored = set(map(str, data["texts"]))
    missing = [t for tip in load_catalogue().tips.values() for t in views(tip) if t not in stored]
    assert not missing, f"{len(missing)} tip texts lack vectors: run python tools/build_tip_vectors.py"


@needs_model
def test_blind_top3_and_declines() -> None:
    catalogue = load_catalogue()
    hits, on_topic, declined, off_topic, misses = 0, 0, 0, 0, []
    for situation, want in _situations():
        found = catalogue.match_tips(situation, 3)
        if want:
            on_topic += 1
            ok = found.matched and bool({t.id for t in found.tips} & set(want))
            hits += ok
            if not ok:
                misses.append(situation)
        else:
            off_topic += 1
            declined += not found.matched
    assert hits / on_topic >= TOP3_TARGET, (hits, on_topic, misses)
    assert declined / off_topic >= DECLINE_TARGET, (declined, off_topic)


@needs_model
@pytest.mark.parametrize(("query", "fits"), [
    ('how do I respond when someone says "you don\'t understand"',
     {"em-you-dont-understand", "sr-check-accuracy", "cu-pause-judgement", "em-judged", "em-understand-not-agree"}),
    ("employee wants to quit", {"mx-wants-to-leave", "dd-their-values", "cr-double-sided", "au-their-choice"}),
    ("colleague drinks too much at work events", {"au-raise-a-worry", "au-permission", "au-health-choices"}),
    ("someone is crying in our 1:1", {"em-silence", "em-grief"}),
])
def test_the_issue_examples_match_by_meaning(query: str, fits: set[str]) -> None:
    found = load_catalogue().match_tips(query, 3)
    assert found.matched and {t.id for t in found.tips} & fits, [t.id for t in found.tips]


@needs_model
@pytest.mark.parametrize("query", ["asdkjh qwpoe zzz", "🙃", "x", "recipe for banana bread", "qwerty uiop"])
def test_nothing_fits_is_said_with_closest_skills(query: str) -> None:
    found = load_catalogue().match_tips(query, 3)
    assert not found.matched and len(found.closest_skills) >= 2


@pytest.fixture
def words_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("OARS_SEMANTIC", "0")
    semantic.reset()
    yield
    monkeypatch.undo()
    semantic.reset()


def test_without_the_model_words_still_rank_and_gibberish_is_declined(words_only: None) -> None:
    matcher = TipMatcher(sorted(load_catalogue().tips.values(), key=lambda t: t.id))
    found = matcher.match("client says they're fine and doesn't want to talk", 3)
    assert found.matched and "rr-fine-no-talk" in [t.id for t in found.tips] and not found.by_meaning
    assert not matcher.match("asdkjh qwpoe zzz", 3).matched
