"""Leave-one-writer-out figures of the two grading heads combined the way grade() combines them.

    python tools/grader_panel_lowo.py OOF_FIRST.npy OOF_SECOND.npy

Each .npy is the out-of-fold P(pass) that `tools/train_grader_head.py --save-oof` wrote for one head (both over
every labelled reply, in load_graded() order). A reply takes the first head's P alone when it stands
(exercises/grader.py first_stands), else the mean of both, against the mean of the two files' thresholds. The
figures are written into the first file's metadata (`grader_panel_lowo`), where `python -m bench grader` prints them.

With `--bad-pass-cost C` the pass threshold is chosen here, for the panel as grade() runs it: the lowest
out-of-fold cost when passing an MI-inconsistent reply costs C times a needless "revise". Both files then carry
that threshold, and each head's own held-out figures are recomputed at it.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from exercises.coder import learned  # noqa: E402
from exercises.grader import first_stands  # noqa: E402
from tools.mi_data import GradedReply, load_graded  # noqa: E402
from tools.train_grader_head import report  # noqa: E402

DATA = ROOT / "exercises" / "data"


def combined(first: np.ndarray, second: np.ndarray, pass_lines: float) -> tuple[np.ndarray, np.ndarray]:
    """grade()'s cascade: a first opinion that stands (exercises/grader.py first_stands) is final, any other is
    averaged with the second. Returns the panel's P(pass) and where the first stood."""
    stands = np.array([first_stands(float(p), pass_lines) for p in first])
    return np.where(stands, first, (first + second) / 2), stands


def choose_threshold(rows: list[GradedReply], first: np.ndarray, second: np.ndarray, cost: float) -> float:
    """The panel's lowest out-of-fold cost over thresholds 0.40-0.80 in steps of 0.02 (both heads at the same
    line, so the cascade's 'first stands' test moves with it)."""
    bad = np.array([r.expect == "revise" for r in rows])
    best = (float("inf"), 0.5)
    for t in np.arange(0.40, 0.81, 0.02):
        passed = combined(first, second, 2 * float(t))[0] >= t
        value = cost * float(np.mean(passed[bad])) + float(np.mean(~passed[~bad]))
        if value < best[0] - 1e-9:
            best = (value, float(t))
    return round(best[1], 2)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("oof_first", type=Path)
    ap.add_argument("oof_second", type=Path)
    ap.add_argument("--bad-pass-cost", type=float, default=None,
                    help="choose the panel's pass threshold at this cost (else keep the files' thresholds)")
    args = ap.parse_args()
    files = [DATA / learned.GRADER_FILE, DATA / learned.SECOND_GRADER_FILE]
    arrays = [dict(np.load(f, allow_pickle=False)) for f in files]
    metas = [json.loads(bytes(a["meta"]).decode("utf-8")) for a in arrays]
    threshold = float(np.mean([m["pass_threshold"] for m in metas]))
    rows = load_graded()
    first, second = np.load(args.oof_first), np.load(args.oof_second)
    assert len(first) == len(second) == len(rows), "the out-of-fold arrays must cover every labelled reply"
    if args.bad_pass_cost is not None:
        threshold = choose_threshold(rows, first, second, args.bad_pass_cost)
        for meta, oof in zip(metas, (first, second), strict=True):
            meta["pass_threshold"] = threshold
            meta["grader_lowo"] = report("held-out writers, this head alone", rows, oof, threshold)
            writers = np.array([r.writer for r in rows])
            right = (oof >= threshold) == np.array([r.expect == "pass" for r in rows])
            meta["grader_lowo_per_writer"] = {w: round(float(np.mean(right[writers == w])), 4)
                                              for w in sorted(set(writers.tolist()))}
        metas[1]["grader_panel_threshold_cost"] = args.bad_pass_cost
        arrays[1]["meta"] = np.frombuffer(json.dumps(metas[1]).encode("utf-8"), dtype=np.uint8)
        np.savez_compressed(files[1], **arrays[1])
        metas[0]["grader_panel_threshold_cost"] = args.bad_pass_cost
        print(f"threshold {threshold} (bad-pass cost {args.bad_pass_cost}) written into both files")
    lines = 2 * threshold
    panel, stands = combined(first, second, lines)
    out = report("held-out writers, both opinions", rows, panel, threshold)
    out["second_opinion_asked"] = round(float(np.mean(~stands)), 3)
    metas[0]["grader_panel_lowo"] = out
    arrays[0]["meta"] = np.frombuffer(json.dumps(metas[0]).encode("utf-8"), dtype=np.uint8)
    np.savez_compressed(files[0], **arrays[0])
    print(f"wrote grader_panel_lowo into {files[0]}")


if __name__ == "__main__":
    main()
