"""Encoder backends side by side (#17): numpy (the reference) vs onnxruntime float32 vs onnxruntime int8.

    python -m bench encoder              # latency, vector agreement, grade_dev agreement
    BENCH_ENCODER_CODER=1 python -m bench encoder   # also the AnnoMI dev macro-F1s (slow with numpy)
    BENCH_INT8="qkv,out,ff;qkv,out,ff,ff_out" python -m bench encoder   # compare which linears go int8

Same merged weights (the learned MI model's adapted encoder), one thread everywhere (BLAS and onnxruntime).
Latency is per call, one (context, text) pair as an answer costs it, for the grader's budget (drill prompt +
reply) and the coder's (context + utterance); backends are interleaved call by call so the shared machine's
noise hits them alike; p50/p99 are medians of 3 rounds. Agreement swaps the model's encoder and reruns the
grader on the shared development set (and the coder on the AnnoMI dev split).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from exercises.coder import learned  # noqa: E402
from exercises.grader import grade  # noqa: E402
from exercises.semantic.encoder import Encoder  # noqa: E402
from exercises.semantic.onnx_layers import INT8_LINEARS  # noqa: E402
from exercises.semantic.pairs import GRADING_BUDGET, encode_pair  # noqa: E402
from tools.mi_data import annomi_path, load_annomi, load_graded  # noqa: E402

ROUNDS = 3


def variants(base: Encoder) -> dict[str, Encoder] | None:
    """numpy, float32 and each int8 subset asked for; None when onnxruntime is not installed."""
    out = {"numpy": base.with_backend("numpy"), "onnx-fp32": base.with_backend("onnx-fp32")}
    subsets = os.environ.get("BENCH_INT8", ",".join(INT8_LINEARS))
    for subset in subsets.split(";"):
        names = tuple(n for n in subset.split(",") if n)
        label = "onnx-int8" if names == INT8_LINEARS else f"int8[{'+'.join(names)}]"
        out[label] = base.with_backend("onnx-int8", names)
    for name, enc in out.items():
        if name != "numpy" and enc._runtime.get() is None:
            return None
    return out


def inputs(enc: Encoder) -> dict[str, list[tuple[list[int], list[int]]]]:
    tok = enc.tokenizer
    grading = [encode_pair(tok, (r.prompt,), r.reply, GRADING_BUDGET) for r in load_graded()[:200]]
    out = {"grading": grading}
    if annomi_path().exists():
        _, dev = load_annomi()
        out["coder"] = [encode_pair(tok, u.context, u.text, learned.CODER_BUDGET)
                        for u in [u for u in dev if u.talk is None][:200]]
    return out


def latency(encoders: dict[str, Encoder], pairs: list[tuple[list[int], list[int]]]) -> dict[str, tuple[float, float]]:
    """Median over rounds of per-call p50/p99 ms, the backends interleaved call by call (rotating who goes first)."""
    names = list(encoders)
    rounds: dict[str, list[tuple[float, float]]] = {n: [] for n in names}
    for _ in range(ROUNDS):
        times: dict[str, list[float]] = {n: [] for n in names}
        for i, pair in enumerate(pairs):
            for k in range(len(names)):
                name = names[(i + k) % len(names)]
                t = time.perf_counter()
                encoders[name].pair_vectors([pair])
                times[name].append((time.perf_counter() - t) * 1000)
        for name, ts in times.items():
            ts.sort()
            rounds[name].append((ts[len(ts) // 2], ts[min(len(ts) - 1, int(len(ts) * 0.99))]))
    return {n: (statistics.median(r[0] for r in rs), statistics.median(r[1] for r in rs)) for n, rs in rounds.items()}


def vector_agreement(encoders: dict[str, Encoder], pairs: list[tuple[list[int], list[int]]]) -> dict[str, str]:
    ref = np.concatenate([encoders["numpy"].pair_vectors(pairs[i:i + 16]) for i in range(0, len(pairs), 16)])
    out = {}
    for name, enc in encoders.items():
        got = np.concatenate([enc.pair_vectors(pairs[i:i + 16]) for i in range(0, len(pairs), 16)])
        cos = (ref * got).sum(1) / np.linalg.norm(ref, axis=1) / np.linalg.norm(got, axis=1)
        out[name] = f"cosine to numpy min {cos.min():.4f} median {np.median(cos):.5f}, max |diff| " \
                    f"{np.abs(ref - got).max():.4f}"
    return out


def grading_agreement(model: learned.MIModel, enc: Encoder) -> str:
    from bench.bench_grader import dev_set

    rows = dev_set()
    if not rows:
        return "shared development set not found"
    model.encoder = enc
    model._cache.clear()
    verdicts = [grade(r.kind, r.prompt, r.reply).verdict for r in rows]
    bad = [v for v, r in zip(verdicts, rows, strict=True) if r.expect == "revise"]
    good = [v for v, r in zip(verdicts, rows, strict=True) if r.expect == "pass"]
    agree = sum(v == r.expect for v, r in zip(verdicts, rows, strict=True)) / len(rows)
    return (f"grade_dev agreement {agree:.3f}; MI-inconsistent passed {bad.count('pass')}/{len(bad)}; "
            f"good revised {good.count('revise')}/{len(good)}")


def coder_agreement(model: learned.MIModel, enc: Encoder) -> str:
    from bench.bench_coder import dev_pass

    model.encoder = enc
    model._cache.clear()
    return ", ".join(f"{head} {f1:.3f}" for head, (f1, _) in dev_pass()[0].items())


def main() -> None:
    model = learned.load()
    if model is None:
        print("learned model unavailable: nothing to compare")
        return
    original = model.encoder
    encoders = variants(original)
    if encoders is None:
        print("onnxruntime unavailable (pip install onnxruntime): only numpy, nothing to compare")
        return
    pairs = inputs(original)
    for budget, rows in pairs.items():
        lengths = sorted(len(ids) for ids, _ in rows)
        print(f"{budget} inputs: {len(rows)} pairs, tokens p50 {lengths[len(lengths) // 2]}, max {lengths[-1]}")
        for name, (p50, p99) in latency(encoders, rows).items():
            print(f"  {name:12s} per call p50 {p50:6.2f} ms  p99 {p99:6.2f} ms  (median of {ROUNDS} rounds)")
        for name, text in vector_agreement(encoders, rows).items():
            print(f"  {name:12s} {text}")
    grader = learned.load(learned.GRADER_FILE)
    grader_original = grader.encoder if grader is not None else None
    try:
        if grader is not None and grader_original is not None:  # the grader's own encoder, on each backend
            for name, enc in (variants(grader_original) or {}).items():
                print(f"{name:12s} {grading_agreement(grader, enc)}", flush=True)
        if os.environ.get("BENCH_ENCODER_CODER") and annomi_path().exists():
            for name, enc in encoders.items():
                print(f"{name:12s} AnnoMI dev macro-F1: {coder_agreement(model, enc)}", flush=True)
    finally:
        model.encoder = original
        model._cache.clear()
        if grader is not None and grader_original is not None:
            grader.encoder = grader_original
            grader._cache.clear()
