"""Benchmark the learned MI coder: dev-split macro-F1 per head, latency on one core, load time, size shipped.

    python -m bench coder

The dev split is whole AnnoMI transcripts held out from training (tools.coder_data.held_out_group); the AnnoMI
file is read from the shared folder and skipped when absent.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # one core: set before numpy is imported

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from exercises.coder import clean_context, client_talk, code, learned  # noqa: E402
from exercises.coder.features import normalise  # noqa: E402
from tools.mi_data import annomi_path, load_annomi  # noqa: E402

MODEL = ROOT / "exercises" / "data" / learned.MODEL_FILE


def macro_f1(gold: list[str], pred: list[str], labels: tuple[str, ...]) -> float:
    """Unweighted mean F1 over `labels`; predictions outside `labels` count as misses."""
    scores = []
    for label in labels:
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == label and p == label)
        fp = sum(1 for g, p in zip(gold, pred, strict=True) if g != label and p == label)
        fn = sum(1 for g, p in zip(gold, pred, strict=True) if g == label and p != label)
        scores.append(2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0)
    return sum(scores) / len(scores)


def dev_pass() -> tuple[dict[str, tuple[float, int]], dict[str, tuple[float, float, float]]]:
    """One pass over the dev split: macro-F1 per head, and the calibration of the behaviour and client-talk
    confidences.

    Macro-F1 is end to end: a subtype counts as missed when the behaviour was missed. `qtype|given` and
    `rtype|given` read the subtype heads on the gold questions and reflections alone (the way a subtype
    classifier, like the issue's TF-IDF baseline, is usually scored). Calibration is (accuracy, mean confidence,
    expected calibration error over 10 bins): a confidence of 0.8 should be right about 80% of the time."""
    _, dev = load_annomi()
    model = learned.load()
    assert model is not None
    gold: dict[str, list[str]] = {h: [] for h in ("behaviour", "qtype", "rtype", "itype", "talk", "qtype|given",
                                                  "rtype|given")}
    pred: dict[str, list[str]] = {h: [] for h in gold}
    confidence: dict[str, list[float]] = {"behaviour": [], "talk": []}
    for u in dev:
        if u.talk is not None:
            talk = client_talk(u.text, u.context)
            gold["talk"].append(u.talk)
            pred["talk"].append(talk.talk)
            confidence["talk"].append(talk.confidence)
            continue
        c = code(u.text, u.context)
        gold["behaviour"].append(u.behaviour or "")
        pred["behaviour"].append(c.behaviour)
        for head, value, got in (("qtype", u.qtype, c.question_type), ("rtype", u.rtype, c.reflection_type),
                                 ("itype", u.itype, c.input_type)):
            if value is not None:
                gold[head].append(value)
                pred[head].append(got or "none")
        heads = model.run(clean_context(u.context), normalise(u.text)[:4000])  # the pass code() made (cached)
        confidence["behaviour"].append(heads.best("behaviour", model.labels["behaviour"])[1])
        for head, value in (("qtype", u.qtype), ("rtype", u.rtype)):
            if value is not None:
                gold[f"{head}|given"].append(value)
                pred[f"{head}|given"].append(heads.best(head, model.labels[head])[0])
    labels = {"behaviour": ("question", "reflection", "therapist_input", "other"), "qtype": ("open", "closed"),
              "rtype": ("simple", "complex"), "itype": ("information", "advice", "options", "negotiation"),
              "talk": ("change", "sustain", "neutral")}
    labels["qtype|given"], labels["rtype|given"] = labels["qtype"], labels["rtype"]
    scores = {h: (macro_f1(gold[h], pred[h], labels[h]), len(gold[h])) for h in gold}
    return scores, {h: calibration(conf, [float(g == p) for g, p in zip(gold[h], pred[h], strict=True)])
                    for h, conf in confidence.items()}


def calibration(conf: list[float], right: list[float]) -> tuple[float, float, float]:
    """(accuracy, mean confidence, expected calibration error over 10 equal-width bins)."""
    bins: dict[int, list[int]] = {}
    for i, c in enumerate(conf):
        bins.setdefault(min(int(c * 10), 9), []).append(i)
    ece = sum(abs(statistics.fmean(conf[i] for i in sel) - statistics.fmean(right[i] for i in sel)) * len(sel)
              for sel in bins.values()) / len(conf)
    return statistics.fmean(right), statistics.fmean(conf), ece


def latency(rounds: int = 3) -> tuple[float, float]:
    """Median over rounds of p50/p99 ms per utterance with its context (cache cleared per round)."""
    _, dev = load_annomi()
    sample = [u for u in dev if u.talk is None][:300]
    p50s, p99s = [], []
    for _ in range(rounds):
        model = learned.load()
        assert model is not None
        model._cache.clear()
        times = []
        for u in sample:
            t = time.perf_counter()
            code(u.text, u.context)
            times.append((time.perf_counter() - t) * 1000)
        times.sort()
        p50s.append(times[len(times) // 2])
        p99s.append(times[int(len(times) * 0.99)])
    return statistics.median(p50s), statistics.median(p99s)


def load_time(rounds: int = 3) -> float:
    """Median cold start in a fresh interpreter: import, load encoder + deltas + heads, code one turn."""
    script = ("import time; t = time.perf_counter(); from exercises.coder import code; code('What brings you in?',"
              " ['Hi.']); print(time.perf_counter() - t)")
    runs = [float(subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT,
                                 check=True).stdout.strip()) for _ in range(rounds)]
    return statistics.median(runs)


def main() -> None:
    model = learned.load()
    if model is None:
        print("learned model unavailable (encoder package missing or OARS_SEMANTIC=0): nothing to measure")
        return
    print(f"model file {MODEL.name}: {MODEL.stat().st_size / 1e6:.2f} MB shipped (plus the 88 MB encoder package, "
          "installed from PyPI, not the repository)")
    print(f"trained on: {model.meta.get('train_size')} rows; training-time dev scores {model.meta.get('dev')}")
    print(f"cold start (import + load + first turn, median of 3): {load_time():.2f} s")
    if annomi_path().exists():
        scores, calibrated = dev_pass()
        for head, (f1, n) in scores.items():
            print(f"AnnoMI dev split (held-out transcripts) {head:11s} macro-F1 {f1:.3f} (n={n})")
        for head, (acc, conf, ece) in calibrated.items():
            print(f"calibration {head:9s} accuracy {acc:.3f}, mean confidence {conf:.3f}, ECE {ece:.3f} (10 bins)")
        p50, p99 = latency()
        print(f"latency per therapist utterance with context, one core: p50 {p50:.1f} ms, p99 {p99:.1f} ms "
              "(median of 3 runs)")
    else:
        print(f"AnnoMI file not found ({annomi_path()}): accuracy and latency skipped")
