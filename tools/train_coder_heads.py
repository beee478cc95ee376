"""Refit the coder heads on the frozen MI encoder, stacked with surface features, and measure on AnnoMI dev.

    python tools/train_coder_heads.py [--model exercises/data/mi_model.npz]

The encoder's pooled vector is joined by `exercises.coder.learned.surface_features` (question openers, the
older linear coder's 13 probabilities); a logistic regression per head (scikit-learn, training only) is fitted
on AnnoMI training transcripts and our own examples, scored on the held-out transcripts, and written back
into the model file. A head is replaced only if it scores better on dev than the jointly trained one.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import f1_score  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from exercises import semantic  # noqa: E402
from exercises.coder import learned  # noqa: E402
from exercises.coder.features import normalise  # noqa: E402
from tools.mi_data import Utterance, load_annomi, load_coder_examples  # noqa: E402

HEAD_OF = {"behaviour": "behaviour", "qtype": "qtype", "rtype": "rtype", "itype": "itype", "talk": "talk",
           "code": "code"}


def target(u: Utterance, head: str) -> str | None:
    return {"behaviour": u.behaviour, "qtype": u.qtype, "rtype": u.rtype, "itype": u.itype, "talk": u.talk,
            "code": u.code}[head]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", type=Path, default=ROOT / "exercises" / "data" / "mi_model.npz")
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    arrays = dict(np.load(args.model, allow_pickle=False))
    base = semantic.encoder()
    assert base is not None, "the encoder package is needed (all-MiniLM-L6-v2; OARS_SEMANTIC must not be 0)"
    model = learned.MIModel(base, dict(arrays))
    train_u, dev_u = load_annomi()
    train_u = train_u + load_coder_examples()

    def feats(us: list[Utterance]) -> np.ndarray:
        rows = []
        for u in us:
            ctx = tuple(normalise(t) for t in u.context if normalise(t))
            heads = model.run(ctx, normalise(u.text))
            rows.append(np.concatenate([heads.vector, learned.surface_features(normalise(u.text))]))
        return np.stack(rows)

    x_train, x_dev = feats(train_u), feats(dev_u)
    meta = json.loads(bytes(arrays["meta"]).decode("utf-8"))
    report = {}
    for head, labels in model.labels.items():
        tr = [(i, y) for i, u in enumerate(train_u) if (y := target(u, head)) is not None]
        dv = [(i, y) for i, u in enumerate(dev_u) if (y := target(u, head)) is not None]
        old_w, old_b = model.heads[head]
        clf = LogisticRegression(C=0.5, max_iter=3000, class_weight="balanced")
        clf.fit(x_train[[i for i, _ in tr]], [labels.index(y) for _, y in tr])
        new_f1 = old_f1 = None
        if dv:
            gold = [labels.index(y) for _, y in dv]
            xd = x_dev[[i for i, _ in dv]]
            old_pred = np.argmax(xd[:, : old_w.shape[0]] @ old_w + old_b, axis=1)
            new_pred = clf.predict(xd)
            old_f1 = f1_score(gold, old_pred, average="macro", labels=sorted(set(gold)))
            new_f1 = f1_score(gold, new_pred, average="macro", labels=sorted(set(gold)))
        keep_new = new_f1 is None or new_f1 > (old_f1 or 0)
        w: np.ndarray = np.zeros((len(labels), x_train.shape[1]), dtype=np.float32)
        b: np.ndarray = np.zeros(len(labels), dtype=np.float32)
        if keep_new:
            for k, cls in enumerate(clf.classes_):
                w[int(cls)] = clf.coef_[k] if len(clf.classes_) > 2 else (clf.coef_[0] if k else -clf.coef_[0])
                b[int(cls)] = clf.intercept_[k] if len(clf.classes_) > 2 else (clf.intercept_[0] if k else
                                                                                 -clf.intercept_[0])
            if len(clf.classes_) == 2:
                w, b = w / 2, b / 2  # softmax over two logits +-z/2 equals the logistic sigmoid(z)
        else:
            w[:, : old_w.shape[0]] = old_w.T
            b[:] = old_b
        arrays[f"head.{head}.w"], arrays[f"head.{head}.b"] = w, b
        report[head] = {"joint": None if old_f1 is None else round(float(old_f1), 4),
                        "stacked": None if new_f1 is None else round(float(new_f1), 4), "kept": "stacked" if
                        keep_new else "joint"}
        print(head, report[head], flush=True)
    meta["coder_heads"] = report
    meta["surface_features"] = learned.SURFACE_DIM
    meta["dev"] = {h: r["stacked"] if r["kept"] == "stacked" else r["joint"] for h, r in report.items()}
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)
    # The coder's file carries no grading head: the grader reads its own file (exercises/data/grader_model.npz).
    np.savez_compressed(args.out or args.model, **{k: v for k, v in arrays.items() if not k.startswith("grade_")})


if __name__ == "__main__":
    main()
