"""Train the MI coder and export its weights to exercises/data/coder_model.json.

    python tools/train_coder.py [--annomi PATH] [--out PATH] [--all] [--cv]

Uses scikit-learn at training time only: the runtime scores the exported matrix with numpy.
By default the held-out example groups (and the AnnoMI dev transcripts) are left out of training so
bench/bench_coder.py can report honest held-out numbers; --all trains on everything.
"""

from __future__ import annotations

import argparse
import base64
import json
import sys
import time
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from exercises.coder.features import DIM, FEATURE_VERSION, featurize  # noqa: E402
from exercises.vocabulary import CODES  # noqa: E402
from tools.coder_data import (  # noqa: E402
    DEFAULT_ANNOMI,
    MAIN_OF,
    Example,
    load_annomi,
    load_examples,
    split_examples,
)

OUT = ROOT / "exercises" / "data" / "coder_model.json"


def matrix(texts: list[str]) -> csr_matrix:
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    for i, text in enumerate(texts):
        for j, v in featurize(text).items():
            rows.append(i)
            cols.append(j)
            vals.append(v)
    return csr_matrix((vals, (rows, cols)), shape=(len(texts), DIM), dtype=np.float64)


def fit(examples: list[Example], c: float = 8.0) -> LogisticRegression:
    x = matrix([e.text for e in examples])
    y = np.array([CODES.index(e.code) for e in examples])
    clf = LogisticRegression(C=c, max_iter=3000, class_weight="balanced")
    clf.fit(x, y)
    return clf


def export(clf: LogisticRegression, out: Path, meta: dict[str, object]) -> None:
    """Dense float16 weight matrix, base64 in JSON: small, and loads in milliseconds."""
    full = np.zeros((DIM, len(CODES)), dtype=np.float32)
    bias = np.zeros(len(CODES), dtype=np.float32)
    for k, cls in enumerate(clf.classes_):
        full[:, int(cls)] = clf.coef_[k]
        bias[int(cls)] = clf.intercept_[k]
    missing = [CODES[i] for i in range(len(CODES)) if i not in set(int(c) for c in clf.classes_)]
    bias[[CODES.index(m) for m in missing]] = -20.0
    payload = {
        "feature_version": FEATURE_VERSION,
        "dim": DIM,
        "codes": list(CODES),
        "dtype": "float16",
        "weights": base64.b64encode(full.astype("<f2").tobytes()).decode("ascii"),
        "bias": [round(float(b), 5) for b in bias],
        "meta": meta,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(payload), encoding="utf-8")


MAIN_LABELS = ("question", "reflection", "therapist_input", "other")


def coder_metrics(examples: list[Example]) -> dict[str, float]:
    """The three AnnoMI-style metrics of the linear coder (main behaviour, open/closed, simple/complex) and its
    13-code accuracy, through its runtime path (exercises.coder.code_linear: the scorer, rules and main_code)."""
    from bench.bench_coder import macro_f1
    from exercises.coder import code_linear

    gold = [e.code for e in examples]
    pred = [code_linear(e.text).code for e in examples]
    main = macro_f1([MAIN_OF[g] for g in gold], [MAIN_OF[p] for p in pred], MAIN_LABELS)
    q = [(g, p) for g, p in zip(gold, pred, strict=True) if MAIN_OF[g] == "question"]
    r = [(g, p) for g, p in zip(gold, pred, strict=True) if MAIN_OF[g] == "reflection"]
    oc = macro_f1([g for g, _ in q], [p for _, p in q], ("open_question", "closed_question"))
    sc = macro_f1([g for g, _ in r], [p for _, p in r], ("simple_reflection", "complex_reflection"))
    exact = sum(1 for g, p in zip(gold, pred, strict=True) if g == p) / max(len(gold), 1)
    return {"main_f1": main, "open_closed_f1": oc, "simple_complex_f1": sc, "exact_13": exact,
            "n": float(len(gold))}


def cross_validate(examples: list[Example], c: float, folds: int = 5) -> None:
    """Group k-fold on our own examples (whole scenarios held out), scored through the real runtime path."""
    import tempfile
    import zlib

    import exercises.coder as coder
    from exercises.coder.scorer import Model

    keys = ("main_f1", "open_closed_f1", "simple_complex_f1", "exact_13")
    rows = []
    original = coder.load_model
    try:
        for k in range(folds):
            train = [e for e in examples if zlib.crc32(e.group.encode("utf-8")) % folds != k]
            dev = [e for e in examples if zlib.crc32(e.group.encode("utf-8")) % folds == k]
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / "model.json"
                export(fit(train, c), path, {})
                model = Model.from_json(path.read_text(encoding="utf-8"))
            coder.load_model = lambda model=model: model  # type: ignore[assignment]
            rows.append(coder_metrics(dev))
            print(f"fold {k} (n={len(dev)}): " + ", ".join(f"{key} {rows[-1][key]:.3f}" for key in keys))
    finally:
        coder.load_model = original
    print("mean: " + ", ".join(f"{key} {sum(r[key] for r in rows) / len(rows):.3f}" for key in keys))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--annomi", type=Path, default=DEFAULT_ANNOMI, help="AnnoMI training CSV")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--all", action="store_true", help="also train on the held-out groups")
    parser.add_argument("--c", type=float, default=8.0, help="inverse regularisation strength")
    parser.add_argument("--cv", action="store_true", help="report 5-fold group cross-validation and exit")
    args = parser.parse_args(argv)
    if args.cv:
        cross_validate(load_examples(), args.c)
        return 0

    own = load_examples()
    own_train, own_dev = split_examples(own)
    train = own if args.all else own_train
    sources = [f"own:{len(train)}"]
    if args.annomi.exists():
        a_train, a_dev = load_annomi(args.annomi)
        train = train + (a_train + a_dev if args.all else a_train)
        sources.append(f"annomi:{len(a_train)}+dev{len(a_dev)}")
        print(f"AnnoMI: {len(a_train)} train / {len(a_dev)} dev therapist utterances", flush=True)
    else:
        print(f"AnnoMI training file not found at {args.annomi}: training on own examples only", flush=True)
    print(f"own examples: {len(own)} ({len(own_train)} train groups, {len(own_dev)} held out)", flush=True)
    start = time.perf_counter()
    clf = fit(train, args.c)
    print(f"fitted on {len(train)} utterances in {time.perf_counter() - start:.1f}s", flush=True)
    export(clf, args.out, {"sources": sources, "held_out_trained": bool(args.all), "C": args.c})
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
