"""Leave-one-writer-out figures of the two grading heads combined the way grade() combines them.

    python tools/grader_panel_lowo.py OOF_FIRST.npy OOF_SECOND.npy

Each .npy is the out-of-fold P(pass) that `tools/train_grader_head.py --save-oof` wrote for one head (both over
every labelled reply, in load_graded() order). A reply takes the first head's P alone when it stands
(exercises/grader.py first_stands), else the mean of both, against the mean of the two files' thresholds. The
figures are written into the first file's metadata (`grader_panel_lowo`), where `python -m bench grader` prints them.
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
from tools.mi_data import load_graded  # noqa: E402
from tools.train_grader_head import report  # noqa: E402

DATA = ROOT / "exercises" / "data"


def combined(first: np.ndarray, second: np.ndarray, pass_lines: float) -> tuple[np.ndarray, np.ndarray]:
    """grade()'s cascade: a first opinion that stands (exercises/grader.py first_stands) is final, any other is
    averaged with the second. Returns the panel's P(pass) and where the first stood."""
    stands = np.array([first_stands(float(p), pass_lines) for p in first])
    return np.where(stands, first, (first + second) / 2), stands


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("oof_first", type=Path)
    ap.add_argument("oof_second", type=Path)
    args = ap.parse_args()
    files = [DATA / learned.GRADER_FILE, DATA / learned.SECOND_GRADER_FILE]
    arrays = [dict(np.load(f, allow_pickle=False)) for f in files]
    metas = [json.loads(bytes(a["meta"]).decode("utf-8")) for a in arrays]
    threshold = float(np.mean([m["pass_threshold"] for m in metas]))
    rows = load_graded()
    first, second = np.load(args.oof_first), np.load(args.oof_second)
    assert len(first) == len(second) == len(rows), "the out-of-fold arrays must cover every labelled reply"
    lines = float(sum(m["pass_threshold"] for m in metas))
    panel, stands = combined(first, second, lines)
    out = report("held-out writers, both opinions", rows, panel, threshold)
    out["second_opinion_asked"] = round(float(np.mean(~stands)), 3)
    metas[0]["grader_panel_lowo"] = out
    arrays[0]["meta"] = np.frombuffer(json.dumps(metas[0]).encode("utf-8"), dtype=np.uint8)
    np.savez_compressed(files[0], **arrays[0])
    print(f"wrote grader_panel_lowo into {files[0]}")


if __name__ == "__main__":
    main()
