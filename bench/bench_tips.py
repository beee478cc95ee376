"""Tips and one-click fairness: top-3 on the blind situations (BM25 alone vs by meaning), off-topic lines declined,
tip latency, and how often blind guessing wins a one-click drill.

Run: python -m bench tips   (latency: median of 3 passes over the 80 blind situations, after a warm-up pass)
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

from exercises.catalogue import load_catalogue
from exercises.choice import arranged

DATA = Path(__file__).resolve().parent.parent / "tests" / "exercises" / "data"


def _blind() -> list[tuple[str, set[str]]]:
    labels = json.loads((DATA / "tip_situation_labels.json").read_text(encoding="utf-8"))
    rows = [json.loads(line) for line in (DATA / "tip_situations.jsonl").read_text(encoding="utf-8").splitlines()]
    return [(row["situation"], set(labels[row["situation"]])) for row in rows]


def main() -> None:
    catalogue = load_catalogue()
    cases = _blind()
    on_topic = [(q, want) for q, want in cases if want]
    off_topic = [q for q, want in cases if not want]
    bm25 = sum(bool({t.id for t in catalogue.find_tips(q, 3)} & want) for q, want in on_topic)
    print(f"tips  BM25 alone        top-3 {bm25}/{len(on_topic)} ({bm25 / len(on_topic):.1%}); "
          f"off-topic declined 0/{len(off_topic)} (it always shows three)")
    for q, _ in cases:  # warm-up: model load and first encodings
        catalogue.match_tips(q, 3)
    found = {q: catalogue.match_tips(q, 3) for q, _ in cases}
    kept = sum(found[q].matched and bool({t.id for t in found[q].tips} & want) for q, want in on_topic)
    shown = sum(bool({t.id for t in found[q].tips} & want) for q, want in on_topic)
    declined = sum(not found[q].matched for q in off_topic)
    print(f"tips  by meaning        top-3 {kept}/{len(on_topic)} ({kept / len(on_topic):.1%}; {shown} ignoring its "
          f"declines); off-topic declined {declined}/{len(off_topic)}")
    passes: list[float] = []
    for _ in range(3):
        started = time.perf_counter()
        for q, _ in cases:
            catalogue.match_tips(f"{q} (take {len(passes)})", 3)  # a new text each pass: no embedding cache hit
        passes.append((time.perf_counter() - started) * 1000 / len(cases))
    print(f"tips  latency per query {statistics.median(passes):.1f} ms (median of 3 passes, uncached query text)")
    drills = [d for d in catalogue.drills.values() if d.one_click]
    members = [f"slack:T1:U{n:03d}" for n in range(60)]
    for name, pick in (("always 1", 0), ("always 2", 1), ("always 3", 2)):
        right = sum(arranged(d, m).options[pick].correct for m in members for d in drills)
        print(f"one-click blind guess {name}: {right / (len(members) * len(drills)):.1%} right "
              f"({len(drills)} drills x {len(members)} members)")
    right = sum(max(arranged(d, m).options, key=lambda o: len(o.text)).correct for m in members for d in drills)
    print(f"one-click blind guess longest option: {right / (len(members) * len(drills)):.1%} right")


if __name__ == "__main__":
    main()
