"""Measure BERTScore-style token alignment between a reply and the client's words, on the labelled data.

    python -m tools.token_alignment [--layers 2,3,4,5,6]

For every reflective-kind row (reflection, complex_reflection, roll_with_resistance, develop_discrepancy,
summary) of the labelled files, the reply's and the prompt's content tokens (WordPiece, without [CLS]/[SEP],
stopwords, punctuation and contraction tails) get contextual vectors from one layer of all-MiniLM-L6-v2.
Precision = mean over reply tokens of the best cosine to a prompt token; recall the other way; F1; each
also IDF-weighted (IDF from the catalogue prompts) and 'relative': the score to the row's own prompt minus
the mean score to every catalogue prompt (a per-reply baseline). Prints the distributions of good
(pass-labelled) replies and off-content replies, and the best separating thresholds.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import yaml

from exercises import semantic
from exercises.grading.model_answers import make_model_answer
from exercises.grading.text import STOPWORDS, overlap

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "exercises" / "data"
KINDS = ("reflection", "complex_reflection", "roll_with_resistance", "develop_discrepancy", "summary")
TAILS = frozenset({"s", "t", "re", "ve", "ll", "d", "m", "don", "didn", "doesn", "isn", "aren", "wasn", "weren",
                   "won", "couldn", "wouldn", "shouldn", "haven", "hasn", "hadn", "can", "ain"})
_PUNCT = re.compile(r"^[^a-z0-9#]+$")


def content_mask(tokens: list[str]) -> np.ndarray:
    """Keep pieces of words that are not stopwords/punctuation/contraction tails."""
    keep = np.zeros(len(tokens), dtype=bool)
    word_start = 0
    words: list[tuple[int, int]] = []
    for i, t in enumerate(tokens):
        if not t.startswith("##") and i > 0:
            words.append((word_start, i))
            word_start = i
    if tokens:
        words.append((word_start, len(tokens)))
    for a, b in words:
        word = "".join(t.removeprefix("##") for t in tokens[a:b])
        if _PUNCT.match(word) or word in STOPWORDS or word in TAILS or word.isdigit():
            continue
        keep[a:b] = True
    return keep


def catalogue() -> list[dict[str, object]]:
    out = []
    for path in sorted((ROOT / "exercises" / "data" / "drills").glob("*.yaml")):
        out.extend((yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("drills", []))
    return out


class Vectors:
    def __init__(self, layers: list[int]) -> None:
        enc = semantic._load()
        if enc is None:
            sys.exit("semantic model not available")
        self.enc = enc
        self.layers = layers
        self.cache: dict[str, tuple[list[str], dict[int, np.ndarray]]] = {}

    def get(self, text: str) -> tuple[list[str], dict[int, np.ndarray]]:
        if text not in self.cache:
            per: dict[int, np.ndarray] = {}
            tokens: list[str] = []
            for layer in self.layers:
                tokens, vecs = self.enc.token_vectors(text, layer)
                per[layer] = vecs
            keep = content_mask(tokens)
            self.cache[text] = ([t for t, k in zip(tokens, keep, strict=True) if k],
                                {k: v[keep] for k, v in per.items()})
        return self.cache[text]


def align(rt: list[str], rv: np.ndarray, pt: list[str], pv: np.ndarray,
          idf: dict[str, float], default_idf: float) -> dict[str, float]:
    if len(rv) == 0 or len(pv) == 0:
        return {"P": 0.0, "R": 0.0, "F": 0.0, "Pi": 0.0, "Ri": 0.0, "Fi": 0.0}
    sim = rv @ pv.T
    p = sim.max(axis=1)
    r = sim.max(axis=0)
    wr = np.array([idf.get(t, default_idf) for t in rt])
    wp = np.array([idf.get(t, default_idf) for t in pt])
    P, R = float(p.mean()), float(r.mean())
    Pi, Ri = float((p * wr).sum() / wr.sum()), float((r * wp).sum() / wp.sum())

    def f(a: float, b: float) -> float:
        return 2 * a * b / (a + b) if a + b > 0 else 0.0
    return {"P": P, "R": R, "F": f(P, R), "Pi": Pi, "Ri": Ri, "Fi": f(Pi, Ri)}


def rows() -> list[dict[str, str]]:
    out = []
    for path in [DATA / "graded_replies.jsonl", *sorted(DATA.glob("blind_replies_*.jsonl")),
                 DATA / "relevance_replies.jsonl"]:
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if row["kind"] in KINDS:
                row["file"] = path.stem
                out.append(row)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--layers", default="2,3,4,5,6")
    ap.add_argument("--out", type=Path, help="write every row's features here (JSON)")
    args = ap.parse_args()
    layers = [int(x) for x in args.layers.split(",")]
    vec = Vectors(layers)
    drills = catalogue()
    prompts = sorted({str(d["prompt"]) for d in drills})
    df: Counter[str] = Counter()
    for pr in prompts:
        toks = vec.enc.tokenizer.convert_ids_to_tokens(vec.enc.tokenizer.encode(pr)[1:-1])
        df.update(set(toks))
    n = len(prompts)
    idf = {t: math.log((n + 1) / (c + 1)) for t, c in df.items()}
    default_idf = math.log(n + 1)
    data = rows()
    groups: dict[str, list[dict[str, float]]] = {"good": [], "good_noshare": [], "off": []}
    results = []
    for row in data:
        label = "off" if row.get("note") == "off-content" else ("good" if row["expected"] == "pass" else None)
        if label is None:
            continue
        shared, _ = overlap(row["reply"], row["prompt"])
        model = make_model_answer(row["kind"], row["prompt"])
        rt, rvs = vec.get(row["reply"])
        pt, pvs = vec.get(row["prompt"])
        mt, mvs = vec.get(model)
        feats: dict[str, float] = {}
        for layer in layers:
            s = align(rt, rvs[layer], pt, pvs[layer], idf, default_idf)
            m = align(rt, rvs[layer], mt, mvs[layer], idf, default_idf)
            for k, v in s.items():
                feats[f"L{layer}.{k}"] = v
                feats[f"L{layer}.{k}+m"] = max(v, m[k])
        results.append((row, label, not shared, feats))
    # Per-reply baseline against every catalogue prompt (relative scores).
    cat_vecs = [vec.get(p) for p in prompts]
    for row, _label, _ns, feats in results:
        rt, rvs = vec.get(row["reply"])
        for layer in layers:
            scores = [align(rt, rvs[layer], ct, cv[layer], idf, default_idf) for ct, cv in cat_vecs]
            for k in ("P", "R", "F", "Pi", "Ri", "Fi"):
                vals = np.array([s[k] for s in scores])
                feats[f"L{layer}.{k}-base"] = feats[f"L{layer}.{k}"] - float(vals.mean())
                feats[f"L{layer}.{k}-z"] = (feats[f"L{layer}.{k}"] - float(vals.mean())) / float(vals.std() + 1e-6)
        sent = semantic.similarity(row["reply"], row["prompt"])
        feats["sent"] = sent
        base = np.array([semantic.similarity(row["reply"], p) for p in prompts])
        feats["sent-base"] = sent - float(base.mean())
        feats["sent-z"] = (sent - float(base.mean())) / float(base.std() + 1e-6)
    reached = rule_reached([r for r, *_ in results])
    for row, label, noshare, feats in results:
        feats["reached"] = float(reached[(row["prompt"], row["reply"])])
        groups[label].append(feats)
        if label == "good" and noshare:
            groups["good_noshare"].append(feats)
    keys = [k for k in results[0][3] if k != "reached"]
    print(f"reflective kinds: good (pass-labelled) {len(groups['good'])} (no shared word "
          f"{len(groups['good_noshare'])}), off-content {len(groups['off'])}")
    report("ALL rows", keys, groups["good"], groups["off"])
    good_r = [f for f in groups["good"] if f["reached"]]
    off_r = [f for f in groups["off"] if f["reached"]]
    print(f"\nrows that reach the meaning rule (grader found no other issue and no lexical link): good {len(good_r)}, "
          f"off-content {len(off_r)}")
    report("GATED rows", keys, good_r, off_r)
    if args.out:
        dump = [{"file": r["file"], "kind": r["kind"], "prompt": r["prompt"], "reply": r["reply"], "label": lab,
                 "noshare": ns, **f} for r, lab, ns, f in results]
        args.out.write_text(json.dumps(dump, indent=0), encoding="utf-8")


def rule_reached(data: list[dict[str, str]]) -> dict[tuple[str, str], bool]:
    """Which rows reach the grader's meaning rule with no lexical link (spying on grader.clearly_unrelated)."""
    from exercises import grader
    from exercises.grading import relevance

    seen: dict[tuple[str, str], bool] = {}
    current: list[tuple[str, str]] = []
    original = grader.clearly_unrelated

    def spy(reply: str, prompt: str, answers: Sequence[str] = ()) -> bool:
        seen[current[-1]] = not relevance.lexical_link(reply, prompt, answers)
        return original(reply, prompt, answers)

    grader.clearly_unrelated = spy
    try:
        for row in data:
            current.append((row["prompt"], row["reply"]))
            grader.grade(row["kind"], row["prompt"], row["reply"])
    finally:
        grader.clearly_unrelated = original
    return {(r["prompt"], r["reply"]): seen.get((r["prompt"], r["reply"]), False) for r in data}


def report(title: str, keys: list[str], good: list[dict[str, float]], off: list[dict[str, float]]) -> None:
    table = []
    for k in keys:
        g = np.array([f[k] for f in good])
        o = np.array([f[k] for f in off])
        table.append((int((o < g.min()).sum()), k, *np.percentile(g, [0, 5, 25, 50]),
                      *np.percentile(o, [50, 75, 95, 100])))
    table.sort(key=lambda t: (-t[0], t[1]))
    print(f"{title}: off-content below the lowest good reply (zero margin), out of {len(off)}")
    print(f"{'feature':14} {'caught':>6} | good {'min':>7} {'p5':>7} {'p25':>7} {'med':>7} | off {'med':>7} {'p75':>7} "
          f"{'p95':>7} {'max':>7}")
    for caught, k, *q in table[:30]:
        print(f"{k:14} {caught:6d} |      " + " ".join(f"{v:7.3f}" for v in q[:4]) + " |     "
              + " ".join(f"{v:7.3f}" for v in q[4:]))
    # Upper bound: best linear pair of standardised features (fitted on these rows, so optimistic).
    gm = np.array([[f[k] for k in keys] for f in good])
    om = np.array([[f[k] for k in keys] for f in off])
    mu, sd = gm.mean(0), gm.std(0) + 1e-9
    gm, om = (gm - mu) / sd, (om - mu) / sd
    best = (0, "", "", 0.0)
    for i in range(len(keys)):
        for j in range(i + 1, len(keys)):
            for a in np.linspace(0, 1, 11):
                sg, so = a * gm[:, i] + (1 - a) * gm[:, j], a * om[:, i] + (1 - a) * om[:, j]
                c = int((so < sg.min()).sum())
                if c > best[0]:
                    best = (c, keys[i], keys[j], float(a))
    print(f"best fitted pair (optimistic upper bound): {best[0]}/{len(off)} with {best[3]:.1f}*{best[1]} + "
          f"{1 - best[3]:.1f}*{best[2]}")


if __name__ == "__main__":
    main()
