"""The BERT encoder of all-MiniLM-L6-v2 in numpy, with mean pooling and L2 normalisation.

Embeddings (word + position + token type) and LayerNorm; N layers of multi-head self-attention with the
padding mask, a GELU (erf form) feed-forward block, post-LayerNorm residuals; then the mean of the token
vectors over the attention mask, scaled to unit length. Computation is float32 like the reference.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from exercises.semantic import safetensors
from exercises.semantic.tokenizer import MAX_TOKENS, WordPiece

# Abramowitz & Stegun 7.1.26 is only good to 1.5e-7; this is the Numerical Recipes erfc (Chebyshev fit,
# fractional error below 1.2e-7 everywhere), evaluated in float64 and then rounded to float32.
_ERFC_COEFFS = (-1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806,
                0.27886807, -1.13520398, 1.48851587, -0.82215223, 0.17087277)


def erf(x: np.ndarray) -> np.ndarray:
    z = np.abs(x.astype(np.float64))
    t = 1.0 / (1.0 + 0.5 * z)
    poly = np.zeros_like(t)
    for c in reversed(_ERFC_COEFFS):
        poly = poly * t + c
    erfc = t * np.exp(-z * z + poly)
    out = np.where(x >= 0, 1.0 - erfc, erfc - 1.0)
    return out.astype(np.float32)


def gelu(x: np.ndarray) -> np.ndarray:
    return (0.5 * x * (1.0 + erf(x / np.float32(np.sqrt(2.0))))).astype(np.float32)


def layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    centred = x - mean
    var = (centred * centred).mean(axis=-1, keepdims=True)
    return (centred / np.sqrt(var + np.float32(eps)) * weight + bias).astype(np.float32)


@dataclass(frozen=True)
class _Layer:
    qkv_w: np.ndarray  # (hidden, 3 * hidden), already transposed for x @ w
    qkv_b: np.ndarray
    out_w: np.ndarray
    out_b: np.ndarray
    ln1_w: np.ndarray
    ln1_b: np.ndarray
    ff_w: np.ndarray
    ff_b: np.ndarray
    ff_out_w: np.ndarray
    ff_out_b: np.ndarray
    ln2_w: np.ndarray
    ln2_b: np.ndarray


def _f32(a: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(a, dtype=np.float32)


class Encoder:
    """Sentence embeddings from a model folder laid out like sentence-transformers/all-MiniLM-L6-v2."""

    def __init__(self, model_dir: Path, max_tokens: int = MAX_TOKENS) -> None:
        config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
        pooling_file = model_dir / "1_Pooling" / "config.json"
        if pooling_file.exists():
            pooling = json.loads(pooling_file.read_text(encoding="utf-8"))
            if not pooling.get("pooling_mode_mean_tokens", True):
                raise ValueError("only mean pooling is supported")
        if config.get("hidden_act", "gelu") != "gelu" or config.get("model_type", "bert") != "bert":
            raise ValueError("only BERT with erf GELU is supported")
        self.hidden = int(config["hidden_size"])
        self.heads = int(config["num_attention_heads"])
        self.eps = float(config.get("layer_norm_eps", 1e-12))
        self.max_tokens = min(max_tokens, int(config.get("max_position_embeddings", 512)))
        self.tokenizer = WordPiece.from_vocab_file(model_dir / "vocab.txt")
        w = safetensors.load(model_dir / "model.safetensors")
        prefix = "bert." if "bert.embeddings.word_embeddings.weight" in w else ""

        def get(name: str) -> np.ndarray:
            return w[prefix + name]

        self.word = get("embeddings.word_embeddings.weight")  # stays memory-mapped: rows are gathered
        self.position = _f32(get("embeddings.position_embeddings.weight"))
        self.token_type = _f32(get("embeddings.token_type_embeddings.weight")[0])
        self.emb_ln = (_f32(get("embeddings.LayerNorm.weight")), _f32(get("embeddings.LayerNorm.bias")))
        self.layers: list[_Layer] = []
        for i in range(int(config["num_hidden_layers"])):
            p = f"encoder.layer.{i}."
            att = p + "attention."
            self.layers.append(_Layer(
                qkv_w=_f32(np.concatenate([get(att + f"self.{n}.weight") for n in ("query", "key", "value")]).T),
                qkv_b=_f32(np.concatenate([get(att + f"self.{n}.bias") for n in ("query", "key", "value")])),
                out_w=_f32(get(att + "output.dense.weight").T),
                out_b=_f32(get(att + "output.dense.bias")),
                ln1_w=_f32(get(att + "output.LayerNorm.weight")),
                ln1_b=_f32(get(att + "output.LayerNorm.bias")),
                ff_w=_f32(get(p + "intermediate.dense.weight").T),
                ff_b=_f32(get(p + "intermediate.dense.bias")),
                ff_out_w=_f32(get(p + "output.dense.weight").T),
                ff_out_b=_f32(get(p + "output.dense.bias")),
                ln2_w=_f32(get(p + "output.LayerNorm.weight")),
                ln2_b=_f32(get(p + "output.LayerNorm.bias")),
            ))

    @property
    def dim(self) -> int:
        return self.hidden

    def _pad(self, batch: Sequence[Sequence[int]]) -> tuple[np.ndarray, np.ndarray]:
        n, length = len(batch), max(len(ids) for ids in batch)
        ids = np.zeros((n, length), dtype=np.int64)
        mask = np.zeros((n, length), dtype=np.float32)
        for row, seq in enumerate(batch):
            ids[row, : len(seq)] = seq
            mask[row, : len(seq)] = 1.0
        return ids, mask

    def _forward(self, ids: np.ndarray, mask: np.ndarray, upto: int | None = None) -> np.ndarray:
        """Hidden states after `upto` transformer layers (all of them when None), shape (n, L, hidden)."""
        n, length = ids.shape
        x = np.asarray(self.word[ids], dtype=np.float32) + self.position[:length] + self.token_type
        x = layer_norm(x, *self.emb_ln, self.eps)
        # Padding keys get the most negative float32, as the reference does: exp() of it is exactly 0.
        bias = ((1.0 - mask) * np.finfo(np.float32).min)[:, None, None, :]
        h, d = self.heads, self.hidden // self.heads
        scale = np.float32(1.0 / np.sqrt(d))
        for layer in self.layers[:upto]:
            qkv = x @ layer.qkv_w + layer.qkv_b  # (n, L, 3H)
            qkv = qkv.reshape(n, length, 3, h, d).transpose(2, 0, 3, 1, 4)  # (3, n, h, L, d)
            q, k, v = qkv[0], qkv[1], qkv[2]
            scores = (q @ k.transpose(0, 1, 3, 2)) * scale + bias
            scores = scores - scores.max(axis=-1, keepdims=True)
            probs = np.exp(scores)
            probs /= probs.sum(axis=-1, keepdims=True)
            context = (probs @ v).transpose(0, 2, 1, 3).reshape(n, length, self.hidden)
            x = layer_norm(context @ layer.out_w + layer.out_b + x, layer.ln1_w, layer.ln1_b, self.eps)
            inner = gelu(x @ layer.ff_w + layer.ff_b)
            x = layer_norm(inner @ layer.ff_out_w + layer.ff_out_b + x, layer.ln2_w, layer.ln2_b, self.eps)
        return x

    def encode_ids(self, batch: Sequence[Sequence[int]]) -> np.ndarray:
        """Unit-length mean-pooled embeddings, one row per token-id sequence."""
        if len(batch) == 0:
            return np.zeros((0, self.hidden), dtype=np.float32)
        ids, mask = self._pad(batch)
        x = self._forward(ids, mask)
        summed = (x * mask[:, :, None]).sum(axis=1)
        pooled = summed / np.maximum(mask.sum(axis=1, keepdims=True), np.float32(1e-9))
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, np.float32(1e-12))).astype(np.float32)

    def token_vectors(self, text: str, layer: int | None = None) -> tuple[list[str], np.ndarray]:
        """The WordPiece tokens of `text` (without [CLS]/[SEP]) and their contextual vectors after `layer`
        transformer layers (the last when None), one unit-length row per token."""
        ids = self.tokenizer.encode(text, self.max_tokens)
        x = self._forward(*self._pad([ids]), upto=layer)[0, 1:-1]
        norms = np.linalg.norm(x, axis=1, keepdims=True)
        tokens = self.tokenizer.convert_ids_to_tokens(ids[1:-1])
        return tokens, (x / np.maximum(norms, np.float32(1e-12))).astype(np.float32)

    def encode(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        """Embed texts in batches of similar length (less padding), returned in input order."""
        encoded = [self.tokenizer.encode(t, self.max_tokens) for t in texts]
        order = sorted(range(len(encoded)), key=lambda i: len(encoded[i]))
        out = np.zeros((len(encoded), self.hidden), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            chunk = order[start : start + batch_size]
            out[chunk] = self.encode_ids([encoded[i] for i in chunk])
        return out
