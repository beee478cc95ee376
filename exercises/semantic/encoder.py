"""The BERT encoder of all-MiniLM-L6-v2 in numpy, with mean pooling and L2 normalisation.

Embeddings (word + position + token type) and LayerNorm; N layers of multi-head self-attention with the
padding mask, a GELU (erf form) feed-forward block, post-LayerNorm residuals; then the mean of the token
vectors over the attention mask, scaled to unit length. Computation is float32 like the reference.
"""

from __future__ import annotations

import copy
import dataclasses
import json
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from exercises.semantic import safetensors
from exercises.semantic.onnx_layers import LazyRuntime, resolve_backend
from exercises.semantic.tokenizer import MAX_TOKENS, WordPiece

# erf by Abramowitz & Stegun 7.1.26 (absolute error below 1.5e-7, the float32 resolution near 1), all in
# float32: the float64 version cost more than every matmul of a layer together.
_P = np.float32(0.3275911)
_A = tuple(np.float32(a) for a in (1.061405429, -1.453152027, 1.421413741, -0.284496736, 0.254829592))
_SQRT_HALF = np.float32(np.sqrt(0.5))


def erf(x: np.ndarray) -> np.ndarray:
    x = x.astype(np.float32, copy=False)
    z = np.abs(x)
    t = np.float32(1.0) / (np.float32(1.0) + _P * z)
    poly = _A[0]
    for a in _A[1:]:
        poly = poly * t + a
    y = np.float32(1.0) - poly * t * np.exp(-z * z)
    return np.copysign(y, x).astype(np.float32, copy=False)


def gelu(x: np.ndarray) -> np.ndarray:
    return x * np.float32(0.5) * (np.float32(1.0) + erf(x * _SQRT_HALF))


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
    """A float32 copy in memory of our own: never a view that would keep the model file mapped."""
    return np.array(a, dtype=np.float32, order="C", copy=True)


def _merge_layers(layers: Iterable[_Layer], arrays: Mapping[str, np.ndarray]) -> Iterator[_Layer]:
    """The layers with trained low-rank deltas merged (W + B A) and LayerNorms replaced, one at a time."""
    for i, layer in enumerate(layers):
        def merged(name: str, base: np.ndarray, i: int = i) -> np.ndarray:
            b, a = arrays.get(f"l{i}.{name}.B"), arrays.get(f"l{i}.{name}.A")
            if b is None or a is None:
                return base
            return _f32(base + (b.astype(np.float32) @ a.astype(np.float32)).T)

        def norm(name: str, base: np.ndarray, i: int = i) -> np.ndarray:
            value = arrays.get(f"l{i}.{name}")
            return base if value is None else _f32(value)

        yield dataclasses.replace(
            layer, qkv_w=merged("qkv", layer.qkv_w), out_w=merged("out", layer.out_w),
            ff_w=merged("ff", layer.ff_w), ff_out_w=merged("ff_out", layer.ff_out_w),
            ln1_w=norm("ln1.w", layer.ln1_w), ln1_b=norm("ln1.b", layer.ln1_b),
            ln2_w=norm("ln2.w", layer.ln2_w), ln2_b=norm("ln2.b", layer.ln2_b))


class Encoder:
    """Sentence embeddings from a model folder laid out like sentence-transformers/all-MiniLM-L6-v2.

    Full forward passes can run the transformer layers in onnxruntime instead (OARS_ENCODER, see
    exercises/semantic/onnx_layers.py; bench/bench_encoder.py compares them); numpy is the reference and the
    fallback. Embeddings, pooling and partial passes are always numpy.
    """

    def __init__(self, model_dir: Path, max_tokens: int = MAX_TOKENS, backend: str | None = None) -> None:
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
        self.n_layers = int(config["num_hidden_layers"])
        self.tokenizer = WordPiece.from_vocab_file(model_dir / "vocab.txt")
        w = safetensors.load(model_dir / "model.safetensors")
        prefix = "bert." if "bert.embeddings.word_embeddings.weight" in w else ""

        def get(name: str) -> np.ndarray:
            return w[prefix + name]

        # Rows are read on demand (safetensors.RowTable: resident memory holds only what a pass gathers); the
        # rest is copied, so no view keeps the file mapped once loading is done.
        self.word = safetensors.RowTable(model_dir / "model.safetensors", prefix + "embeddings.word_embeddings.weight")
        self.position = _f32(get("embeddings.position_embeddings.weight"))
        self.token_types = _f32(get("embeddings.token_type_embeddings.weight"))
        self.token_type = self.token_types[0]
        self.emb_ln = (_f32(get("embeddings.LayerNorm.weight")), _f32(get("embeddings.LayerNorm.bias")))
        self._weights, self._prefix = model_dir / "model.safetensors", prefix
        self.backend = resolve_backend(backend)
        # The base layers in float32 (42 MB): kept while the numpy path may need them. Once the base session is
        # built they are released (it holds its own prepacked copy) and read again from the file on demand:
        # when an adapted copy builds its session, or for a numpy pass (partial passes, no onnxruntime).
        self._layers: list[_Layer] | None = list(self._read_layers()) if self.backend == "numpy" else None
        self._merge: Callable[[], Iterator[_Layer]] | None = None  # adapted copies: merged on demand
        self._runtime = LazyRuntime(self._stream_layers, self.heads, self.eps, self.backend,
                                    built=self._release_layers)

    def _read_layers(self) -> Iterator[_Layer]:
        """The base transformer layers from the model file, one at a time, as float32 copies of our own."""
        w = safetensors.load(self._weights)

        def get(name: str) -> np.ndarray:
            return w[self._prefix + name]

        for i in range(self.n_layers):
            p = f"encoder.layer.{i}."
            att = p + "attention."
            yield _Layer(
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
            )

    def _release_layers(self) -> None:
        """The base session is built: its float32 layers need not stay in numpy too."""
        if self._merge is None:
            self._layers = None

    @property
    def dim(self) -> int:
        return self.hidden

    @property
    def depth(self) -> int:
        return self.n_layers

    def _pad(self, batch: Sequence[Sequence[int]]) -> tuple[np.ndarray, np.ndarray]:
        n, length = len(batch), max(len(ids) for ids in batch)
        ids = np.zeros((n, length), dtype=np.int64)
        mask = np.zeros((n, length), dtype=np.float32)
        for row, seq in enumerate(batch):
            ids[row, : len(seq)] = seq
            mask[row, : len(seq)] = 1.0
        return ids, mask

    @property
    def layers(self) -> list[_Layer]:
        """The transformer layers in float32, kept from now on (only the numpy path needs them whole: an
        adapted copy merges its deltas on first use, a base encoder reads them again from the file; an
        onnxruntime session is built from them one layer at a time)."""
        if self._layers is None:
            self._layers = list(self._stream_layers())
        return self._layers

    def _stream_layers(self) -> Iterable[_Layer]:
        """Layers for building a session, without keeping copies that nothing else needs."""
        if self._layers is not None:
            return self._layers
        return self._read_layers() if self._merge is None else self._merge()

    def adapted(self, arrays: Mapping[str, np.ndarray], backend: str | None = None) -> Encoder:
        """A copy whose layers carry trained low-rank deltas (W + B A) and LayerNorms; embeddings are shared."""
        twin = copy.copy(self)
        base, deltas = self, dict(arrays)
        twin._layers = None
        twin._merge = lambda: _merge_layers(base._stream_layers(), deltas)
        twin.backend = resolve_backend(backend)
        twin._runtime = LazyRuntime(twin._stream_layers, twin.heads, twin.eps, twin.backend)
        return twin

    def with_backend(self, backend: str, int8: Collection[str] | None = None) -> Encoder:
        """The same weights behind another backend (benchmarks and tests compare them side by side); `int8`
        overrides which linear maps an onnx-int8 graph quantizes."""
        twin = copy.copy(self)
        twin.backend = backend
        twin._runtime = LazyRuntime(twin._stream_layers, self.heads, self.eps, backend, int8)
        return twin

    def pair_vectors(self, batch: Sequence[tuple[Sequence[int], Sequence[int]]]) -> np.ndarray:
        """Mean of the last layer over each pair's second segment (segment id 1), one row per (ids, types)."""
        n, length = len(batch), max(len(ids) for ids, _ in batch)
        ids = np.zeros((n, length), dtype=np.int64)
        types = np.zeros((n, length), dtype=np.int64)
        mask = np.zeros((n, length), dtype=np.float32)
        for row, (seq, seg) in enumerate(batch):
            ids[row, : len(seq)] = seq
            types[row, : len(seg)] = seg
            mask[row, : len(seq)] = 1.0
        x = self._forward(ids, mask, types=types)
        segment = mask * (types == 1)
        summed = (x * segment[:, :, None]).sum(axis=1)
        return (summed / np.maximum(segment.sum(axis=1, keepdims=True), np.float32(1.0))).astype(np.float32)

    def _forward(self, ids: np.ndarray, mask: np.ndarray, upto: int | None = None,
                 types: np.ndarray | None = None) -> np.ndarray:
        """Hidden states after `upto` transformer layers (all of them when None), shape (n, L, hidden)."""
        n, length = ids.shape
        segment = self.token_type if types is None else self.token_types[types]
        x = np.asarray(self.word[ids], dtype=np.float32) + self.position[:length] + segment
        x = layer_norm(x, *self.emb_ln, self.eps)
        # Padding keys get the most negative float32, as the reference does: exp() of it is exactly 0.
        bias = ((1.0 - mask) * np.finfo(np.float32).min)[:, None, None, :]
        runtime = self._runtime.get() if upto is None or upto >= self.depth else None
        if runtime is not None:
            return runtime(x, bias.astype(np.float32))
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
