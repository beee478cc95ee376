"""The learned MI model at run time: all-MiniLM-L6-v2 with trained low-rank deltas, and small heads.

One forward pass over (context, text) gives a vector that every head reads: AnnoMI main behaviour, question,
reflection and input subtypes, client talk, the 13 codes, and (with the drill kind and a few surface signals)
the grader's pass/revise and problem. The weights come from tools/train_mi.py (torch, training only); this module
needs numpy alone. Three files ship: exercises/data/mi_model.npz answers the coder (`load()`);
exercises/data/grader_model.npz and grader_second.npz the grader (`load(GRADER_FILE)`, `load(SECOND_GRADER_FILE)`:
two grading heads on differently tuned encoders; the second is asked only when the first is unsure, and the grader
averages what it heard). Each holds the training run
whose heads measured best for its job, so they may come from different runs (README "The MI model"). Results are
cached per input and file, so callers asking about the same text share one pass.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import zlib
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np

from exercises import semantic
from exercises.coder.features import split_sentences
from exercises.coder.scorer import load_model
from exercises.semantic.encoder import Encoder, gelu
from exercises.semantic.pairs import CONTEXT_TOKENS, TEXT_HEAD, TEXT_TAIL, encode_pair

log = logging.getLogger(__name__)
MODEL_FILE = "mi_model.npz"
GRADER_FILE = "grader_model.npz"
SECOND_GRADER_FILE = "grader_second.npz"  # the grader's second opinion (exercises/grader.py)
CODER_BUDGET = (CONTEXT_TOKENS, TEXT_HEAD, TEXT_TAIL)
_CACHE_SIZE = 512


_WH = re.compile(r"^(?:so,? |and |ok,? |okay,? )?(?:what|how|why|where|when|who|which|whose)\b", re.I)
_AUX = re.compile(r"^(?:so,? |and |ok,? |okay,? )?(?:do|does|did|is|are|was|were|can|could|would|will|have|has|"
                  r"should|shall|may|might|am|isn't|aren't|don't|doesn't|didn't|won't|wouldn't|can't|haven't)\b",
                  re.I)
_INVITE = re.compile(r"\b(?:tell me|describe|walk me through|talk me through|say more|help me understand)\b", re.I)
SURFACE_DIM = 13 + 8


def surface_features(text: str) -> np.ndarray:
    """Question shape and the older linear coder's 13 probabilities: what a pooled vector blurs."""
    sentences = split_sentences(text) or [text]
    first, last = sentences[0].strip(), sentences[-1].strip()
    words = len(text.split())
    lexical = [bool(_WH.search(first)), bool(_AUX.search(first)), bool(_WH.search(last)), bool(_AUX.search(last)),
               bool(_INVITE.search(text)), text.rstrip().endswith("?"), min(text.count("?"), 3) / 3,
               np.log1p(words) / 4]
    return np.concatenate([load_model().probabilities(text), np.asarray(lexical, dtype=np.float32)]).astype(
        np.float32)


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    out: np.ndarray = e / e.sum(axis=-1, keepdims=True)
    return out


@dataclass(frozen=True)
class Heads:
    """Probabilities of every coder head for one (context, text), plus the pooled vector for the grader."""

    vector: np.ndarray
    probs: dict[str, np.ndarray]

    def best(self, head: str, labels: Sequence[str]) -> tuple[str, float]:
        p = self.probs[head]
        i = int(np.argmax(p))
        return labels[i], float(p[i])


class MIModel:
    """Adapted encoder + heads, loaded once per process."""

    def __init__(self, base: Encoder, arrays: dict[str, np.ndarray]) -> None:
        self.meta: dict[str, Any] = json.loads(bytes(arrays.pop("meta")).decode("utf-8"))
        self.labels: dict[str, list[str]] = self.meta["heads"]
        self.problems: list[str] = self.meta["problems"]
        f32 = {k: v.astype(np.float32) for k, v in arrays.items()}
        self.encoder = base.adapted(f32)
        # Two files with the same deltas run the same encoder: a caller may share one pass between their heads.
        self.encoder_key = zlib.crc32(b"".join(name.encode() + f32[name].tobytes() for name in sorted(f32)
                                               if not name.startswith(("head.", "grade_"))))
        self.heads = {name: (f32[f"head.{name}.w"].T.copy(), f32[f"head.{name}.b"]) for name in self.labels}
        # The grading head may be an ensemble (a leading axis of heads whose probabilities are averaged, one matmul
        # per layer for all of them); the coder's file carries none.
        self.grade_heads: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None
        if "grade_hidden.w" in f32:
            hidden_w, hidden_b = f32["grade_hidden.w"], f32["grade_hidden.b"]
            out_w, out_b = f32["grade_out.w"], f32["grade_out.b"]
            if hidden_w.ndim == 2:
                hidden_w, hidden_b, out_w, out_b = hidden_w[None], hidden_b[None], out_w[None], out_b[None]
            # (heads, in, hidden), (heads, hidden), (heads, hidden, out), (heads, out)
            self.grade_heads = (hidden_w.transpose(0, 2, 1).copy(), hidden_b, out_w.transpose(0, 2, 1).copy(), out_b)
        self._stacked = any(w.shape[0] > base.dim for w, _ in self.heads.values())
        self._cache: OrderedDict[tuple[object, ...], Heads] = OrderedDict()
        self._lock = threading.Lock()

    def run_many(self, context: Sequence[str], texts: Sequence[str],
                 budget: tuple[int, int, int] = CODER_BUDGET) -> list[Heads]:
        """Heads for several texts after the same context, in one batched pass (cached per text)."""
        keys = [(tuple(context), t, budget) for t in texts]
        with self._lock:
            found = {k: self._cache[k] for k in keys if k in self._cache}
        todo = [k for k in dict.fromkeys(keys) if k not in found]
        if todo:
            tok = self.encoder.tokenizer
            vectors = self.encoder.pair_vectors([encode_pair(tok, context, k[1], budget) for k in todo])
            with self._lock:
                for k, vec in zip(todo, vectors, strict=True):
                    stacked = np.concatenate([vec, surface_features(k[1])]) if self._stacked else vec
                    probs = {name: _softmax(stacked[: w.shape[0]] @ w + b) for name, (w, b) in self.heads.items()}
                    found[k] = self._cache[k] = Heads(vec, probs)
                while len(self._cache) > _CACHE_SIZE:
                    self._cache.popitem(last=False)
        return [found[k] for k in keys]

    def run(self, context: Sequence[str], text: str, budget: tuple[int, int, int] = CODER_BUDGET) -> Heads:
        return self.run_many(context, [text], budget)[0]

    @property
    def signal_width(self) -> int:
        """How many numbers the grading head reads beside the encoder's vector (0 without a grading head)."""
        return self.grade_heads[0].shape[1] - self.encoder.dim if self.grade_heads is not None else 0

    def grade(self, heads: Heads, signals: np.ndarray) -> tuple[float, dict[str, float]]:
        """P(pass) and the problem distribution for a reply whose heads were computed with the drill prompt."""
        if self.grade_heads is None:
            raise ValueError("this model file has no grading head (the grader's is GRADER_FILE)")
        if len(heads.vector) + len(signals) != self.grade_heads[0].shape[1]:
            raise ValueError(f"this grading head reads {self.signal_width} signals, not {len(signals)}")
        w1, b1, w2, b2 = self.grade_heads
        x = np.concatenate([heads.vector, signals]).astype(np.float32)
        hidden = gelu(x @ w1 + b1)  # (heads, hidden)
        out = (hidden[:, None, :] @ w2)[:, 0, :] + b2  # (heads, 1 + problems)
        p_pass = float(np.mean(1.0 / (1.0 + np.exp(-out[:, 0]))))
        problems = _softmax(out[:, 1:]).mean(axis=0)
        return p_pass, {name: float(p) for name, p in zip(self.problems, problems, strict=True)}


_lock = threading.Lock()
_models: dict[str, MIModel | None] = {}  # file name -> the loaded model, or None when it could not load


def load(file: str = MODEL_FILE) -> MIModel | None:
    """A packaged model (the coder's by default), or None when the encoder or the weights are unavailable
    (callers fall back). Loaded once per process and file."""
    if file in _models:
        return _models[file]
    with _lock:
        if file in _models:
            return _models[file]
        model: MIModel | None = None
        base = semantic.encoder()
        if base is not None:
            try:
                with resources.files("exercises").joinpath("data", file).open("rb") as fh:
                    arrays = dict(np.load(fh, allow_pickle=False))
                model = MIModel(base, arrays)
            except (OSError, KeyError, ValueError) as exc:
                log.warning("learned MI model %s not usable: %s", file, exc)
        _models[file] = model
    return model


def reset() -> None:
    """Forget the loaded models (tests)."""
    with _lock:
        _models.clear()
