"""Train exercises/data/language_model.npz: is a message English? (exercises/grading/language.py)

English: every writer reply and prompt in tools/grader_data, the hand-written coder examples, the drill and tip
catalogue, tools/language_data/en_*.jsonl (English that fools a naive detector: names, loanwords, texting,
dialects, non-native grammar) and, when the shared file is there, AnnoMI utterances (read here, never stored).
Other languages: tools/language_data/l*.jsonl, each file one writer and its own set of languages.

Honest figures: five folds, each holding out one foreign writer's languages entirely (so the held-out languages
were never seen) and a fifth of the English writers (AnnoMI by transcript). The threshold is the lowest that
keeps held-out English false alarms at or below --false-per-band (1, 1, 0), for each band of message length (3-5
words, 6-9, 10 and more: a longer message says more about its language). Shorter messages are never judged.
Needs the train extra (scikit-learn). Run: python tools/train_language.py [--annomi PATH]
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import zlib
from pathlib import Path

import numpy as np
import yaml
from scipy import sparse
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from exercises.grading.language import MODEL_FILE, feature_ids, tokens  # noqa: E402
from tools.coder_data import DEFAULT_ANNOMI  # noqa: E402

DATA = ROOT / "tools" / "language_data"
FOLDS = 5


def _strings(node: object) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for v in node.values() for s in _strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in _strings(v)]
    return []


def _fold_of(name: str) -> int:
    return zlib.crc32(name.encode()) % FOLDS


def load(annomi: Path | None) -> list[tuple[str, int, int, str]]:
    """(text, is_other_language, fold, source) rows."""
    rows: list[tuple[str, int, int, str]] = []
    for path in sorted((ROOT / "tools" / "grader_data").glob("*.jsonl")):
        fold = _fold_of(path.stem)
        seen: set[str] = set()
        for line in path.read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            for text in (item["prompt"], item["reply"]):
                if text not in seen:
                    seen.add(text)
                    rows.append((text, 0, fold, f"writer:{path.stem}"))
    for path in sorted((ROOT / "tools" / "coder_examples").glob("*.tsv")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                rows.append((line.split("\t")[0], 0, _fold_of(path.stem), "coder_examples"))
    catalogue = ROOT / "exercises" / "data"
    for path in sorted([*catalogue.glob("drills/*.yaml"), catalogue / "tips.yaml"]):
        for text in _strings(yaml.safe_load(path.read_text(encoding="utf-8"))):
            if len(text.split()) >= 3:
                rows.append((text, 0, _fold_of(path.stem), "catalogue"))
    if annomi and annomi.exists():
        with annomi.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                rows.append((row["utterance_text"], 0, int(row["transcript_id"]) % FOLDS, "annomi"))
    foreign = sorted(DATA.glob("l*.jsonl"))
    for i, path in enumerate(foreign):
        for line in path.read_text(encoding="utf-8").splitlines():
            rows.append((json.loads(line)["text"], 1, i % FOLDS, f"other:{json.loads(line)['lang']}"))
    for path in sorted(DATA.glob("en_*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            rows.append((item["text"], 0, 0, f"en:{item['kind']}"))
    return rows


def matrix(texts: list[str], bits: int) -> sparse.csr_matrix:
    indptr, indices = [0], []
    for text in texts:
        ids = np.sort(feature_ids(text, bits))
        indices.extend(ids.tolist())
        indptr.append(len(indices))
    data = np.ones(len(indices), dtype=np.float32)
    x = sparse.csr_matrix((data, np.asarray(indices), np.asarray(indptr)), shape=(len(texts), 1 << bits))
    lengths = np.sqrt(np.maximum(np.diff(x.indptr), 1)).astype(np.float32)
    return sparse.diags(1.0 / lengths) @ x


def fit(x: sparse.csr_matrix, y: np.ndarray, c: float) -> LogisticRegression:
    model = LogisticRegression(C=c, class_weight="balanced", max_iter=2000)
    return model.fit(x, y)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--annomi", type=Path, default=DEFAULT_ANNOMI)
    ap.add_argument("--bits", type=int, default=18)
    ap.add_argument("--c", type=float, default=1.0)
    ap.add_argument("--bands", default="3,6,10", help="word counts where a threshold band starts")
    ap.add_argument("--false-per-band", default="1,1,0",
                    help="held-out English flagged in each band, at most (none among long messages)")
    ap.add_argument("--out", type=Path, default=ROOT / "exercises" / "data" / MODEL_FILE)
    ap.add_argument("--save-oof", type=Path, help="write the out-of-fold P(other) with texts, labels, sources")
    args = ap.parse_args()

    rows = load(args.annomi)
    texts = [r[0] for r in rows]
    y = np.asarray([r[1] for r in rows])
    folds = np.asarray([r[2] for r in rows])
    sources = [r[3] for r in rows]
    x = matrix(texts, args.bits)
    print(f"{len(rows)} messages: {int((y == 0).sum())} English, {int(y.sum())} other languages", flush=True)
    oof = np.zeros(len(rows))
    for k in range(FOLDS):
        test = folds == k
        model = fit(x[~test], y[~test], args.c)
        oof[test] = model.predict_proba(x[test])[:, 1]
    if args.save_oof:
        np.savez_compressed(args.save_oof, oof=oof, y=y, texts=np.asarray(texts), sources=np.asarray(sources))
    words = np.asarray([len(tokens(t)) for t in texts])
    starts = [int(v) for v in args.bands.split(",")]
    band = np.searchsorted(starts, words, side="right") - 1  # -1: too short to judge
    thresholds = []
    for b in range(len(starts)):
        english = np.sort(oof[(band == b) & (y == 0)])[::-1]
        allowed = [int(v) for v in args.false_per_band.split(",")][b]
        at = float(english[allowed]) + 1e-6 if allowed < len(english) else 0.5
        thresholds.append(max(at, 0.5))
    flagged = (band >= 0) & (oof >= np.asarray([*thresholds, 1.1])[band])
    print("held out (languages never seen, a fifth of the English writers):")
    for b, lo in enumerate(starts):
        hi = starts[b + 1] - 1 if b + 1 < len(starts) else None
        m = band == b
        print(f"  {lo}-{hi or ''} words: threshold {thresholds[b]:.3f}, other languages caught "
              f"{int((flagged & m & (y == 1)).sum())} / {int((m & (y == 1)).sum())}, English flagged "
              f"{int((flagged & m & (y == 0)).sum())} / {int((m & (y == 0)).sum())}")
    by_source: dict[str, list[bool]] = {}
    for i in np.flatnonzero(band >= 0):
        key = sources[i] if y[i] or sources[i].startswith("en:") else sources[i].split(":")[0]
        by_source.setdefault(key, []).append(bool(flagged[i]))
    for key in sorted(by_source):
        hits = by_source[key]
        print(f"  {key:20s} {sum(hits):5d} / {len(hits):6d} flagged ({np.mean(hits):.3f})")
    for i in np.flatnonzero(flagged & (y == 0)):
        print(f"  English flagged at P {oof[i]:.3f}: {texts[i][:100]!r}")
    final = fit(x, y, args.c)
    weights = final.coef_[0].astype(np.float16)
    np.savez_compressed(args.out, weights=weights, bias=np.float32(final.intercept_[0]), bits=np.int32(args.bits),
                        band_starts=np.asarray(starts, dtype=np.int32),
                        thresholds=np.asarray(thresholds, dtype=np.float32))
    print(f"wrote {args.out} ({args.out.stat().st_size / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
