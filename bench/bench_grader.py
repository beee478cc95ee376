"""Benchmark the learned grader: agreement overall, per kind and per problem, MI-inconsistent replies that pass,
leave-one-writer-out numbers, and latency on one core.

    python -m bench grader

Leave-one-writer-out figures were computed when the head was trained (tools/train_grader_head.py) and are read
from the model's metadata; the shared development set (../shared/eval/grade_dev.jsonl), when present, is
measured here and never trained or tuned on.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from exercises.coder import learned  # noqa: E402
from exercises.grader import clear_verdicts, grade  # noqa: E402
from tools.mi_data import GradedReply, load_graded  # noqa: E402


def dev_set() -> list[GradedReply]:
    for parent in ROOT.parents:
        path = parent / "shared" / "eval" / "grade_dev.jsonl"
        if path.exists():
            rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
            return [GradedReply("dev", r["kind"], r["prompt"], r["reply"], r["expect"], None) for r in rows]
    return []


PLAIN_GOOD = ROOT / "bench" / "data" / "grader_plain_good.jsonl"


def plain_good_set() -> list[GradedReply]:
    """200 everyday good replies by an independent writer (p1), kept for measuring only: a grader that learns to
    catch MI-inconsistent replies must not start revising the ordinary good answer."""
    rows = [json.loads(line) for line in PLAIN_GOOD.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [GradedReply(r["writer"], r["kind"], r["prompt"], r["reply"], r["expect"], None) for r in rows]


def measure(title: str, rows: list[GradedReply]) -> list[float]:
    per_kind: dict[str, list[bool]] = defaultdict(list)
    per_problem: dict[str, list[bool]] = defaultdict(list)
    times = []
    bad_pass = good_rev = n_bad = 0
    for r in rows:
        t = time.perf_counter()
        verdict = grade(r.kind, r.prompt, r.reply).verdict
        times.append((time.perf_counter() - t) * 1000)
        ok = verdict == r.expect
        per_kind[r.kind].append(ok)
        if r.expect == "revise":
            n_bad += 1
            bad_pass += verdict == "pass"
            per_problem[r.problem or "unlabelled"].append(ok)
        else:
            good_rev += verdict == "revise"
    total = [o for v in per_kind.values() for o in v]
    print(f"{title} (n={len(rows)}): agreement {sum(total) / len(total):.3f}; MI-inconsistent passed "
          f"{bad_pass}/{n_bad} ({bad_pass / max(1, n_bad):.1%}); good revised {good_rev}/{len(rows) - n_bad} "
          f"({good_rev / max(1, len(rows) - n_bad):.1%})")
    print("  per kind: " + ", ".join(f"{k} {sum(v) / len(v):.2f}" for k, v in sorted(per_kind.items())))
    if len(per_problem) > 1:
        print("  revise caught per problem: " + ", ".join(f"{k} {sum(v)}/{len(v)}" for k, v in
                                                           sorted(per_problem.items())))
    return times


def main() -> None:
    model = learned.load(learned.GRADER_FILE)
    if model is None:
        print("learned model unavailable: the cue tables grade (see README)")
        return
    lowo = model.meta.get("grader_lowo")
    writers = model.meta.get("grader_writers")
    groups = model.meta.get("grader_lowo_groups", writers)
    held = "leave-one-writer-out" if groups == writers else f"writers held out in {groups} groups"
    if lowo:
        print(f"{held} ({writers} writers, "
              f"{model.meta.get('grader_examples')} replies, threshold {model.meta.get('pass_threshold')}): "
              f"{json.dumps(lowo)}")
        print(f"  per writer: {json.dumps(model.meta.get('grader_lowo_per_writer'))}")
    second = learned.load(learned.SECOND_GRADER_FILE)
    if second is not None:
        print(f"second opinion ({learned.SECOND_GRADER_FILE}, threshold {second.meta.get('pass_threshold')}, "
              f"{second.meta.get('grader_writers')} writers): {json.dumps(second.meta.get('grader_lowo'))}")
    panel = model.meta.get("grader_panel_lowo")
    if panel:
        print(f"{held}, the two opinions as grade() combines them: {json.dumps(panel)}")
    rows = load_graded()
    # A writer is fresh only when no head of the panel was trained on it.
    trained = set(model.meta.get("grader_lowo_per_writer") or {})
    if second is not None:
        trained |= set(second.meta.get("grader_trained_writers") or second.meta.get("grader_lowo_per_writer") or {})
    seen = [r for r in rows if not trained or r.writer in trained]
    unseen = [r for r in rows if trained and r.writer not in trained]
    times = measure("labelled replies a head was trained on (training fit, not a held-out figure)", seen)
    if unseen:  # writers added after the shipped heads were trained: a fresh test until the next training
        times += measure(f"labelled replies of {len({r.writer for r in unseen})} writers no head saw", unseen)
    times += measure("plain everyday good replies (measure only, never trained on)", plain_good_set())
    dev = dev_set()
    if dev:
        times += measure("shared development set (measure only)", dev)
    times.sort()
    runs = []
    sample = rows[:200]
    for _ in range(3):
        model._cache.clear()
        if second is not None:
            second._cache.clear()
        clear_verdicts()
        t_run = []
        for r in sample:
            t = time.perf_counter()
            grade(r.kind, r.prompt, r.reply + " ")
            t_run.append((time.perf_counter() - t) * 1000)
        t_run.sort()
        runs.append((t_run[len(t_run) // 2], t_run[int(len(t_run) * 0.99)]))
    print(f"latency per reply, one core, encoder included (median of 3 runs of 200): p50 "
          f"{statistics.median(r[0] for r in runs):.1f} ms, p99 {statistics.median(r[1] for r in runs):.1f} ms")
