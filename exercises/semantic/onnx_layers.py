"""The encoder's transformer layers as an onnxruntime session (int8 or float32), when OARS_ENCODER asks.

Built in memory from the (merged) numpy weights the first time a forward pass needs it: nothing is exported,
downloaded or cached on disk, and the embedding table stays in numpy (gathered rows only). Inputs are the
embedding LayerNorm output and the additive attention mask; the output is the last hidden state, so pooling,
segments and everything else stay shared with the numpy path (exercises/semantic/encoder.py), which remains
the reference and the fallback.

int8: every weight matrix is quantized per output column (symmetric), activations per token at run time
(u8 x s8 MatMulInteger); attention products, softmax, GELU and LayerNorm stay float32. Per-tensor activation
scales (onnxruntime's quantize_dynamic) were faster but let one more MI-inconsistent dev reply pass, and made a
text's vector depend on its batch companions. bench/bench_encoder.py measures speed and agreement; the numbers
are in bench/RESULTS.md.
"""

from __future__ import annotations

import itertools
import logging
import os
import threading
from collections.abc import Callable, Collection, Iterable
from typing import TYPE_CHECKING, Any

import numpy as np

from exercises.semantic.onnx_proto import FLOAT, UINT8, Graph, value_info

if TYPE_CHECKING:
    from exercises.semantic.encoder import _Layer

log = logging.getLogger(__name__)
LINEARS = ("qkv", "out", "ff", "ff_out")
INT8_LINEARS: tuple[str, ...] = LINEARS
AUTO = "onnx-int8"  # 3-4x faster per answer at equal grader agreement (bench/RESULTS.md, #17)
BACKENDS = ("auto", "numpy", "onnx-fp32", "onnx-int8")


def resolve_backend(backend: str | None) -> str:
    """numpy, onnx-fp32 or onnx-int8 for an encoder, from `backend` or OARS_ENCODER (default auto).

    The choice applies to both encoders: the learned model (every answer's path; bench/bench_encoder.py measures
    its heads' agreement per backend) and the base encoder (tips, the grader's similarity checks). For the base
    encoder int8 was measured against float32 (bench/RESULTS.md): grade_dev and 1,640 writer replies graded
    byte-identically, tip top-3 unchanged, less CPU and memory per text. auto is what the measurements chose:
    AUTO. Without onnxruntime every choice falls back to numpy; `Encoder.with_backend` sets any backend
    explicitly (benchmarks, tests)."""
    value = (backend or os.environ.get("OARS_ENCODER", "auto")).strip().lower()
    if value not in BACKENDS or value == "auto":
        value = AUTO
    return value


def _quantize(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric per-column int8: w ≈ q * scale[column]."""
    scale = np.abs(w).max(axis=0) / np.float32(127.0)
    scale = np.where(scale > 0, scale, np.float32(1.0)).astype(np.float32)
    q = np.clip(np.rint(w / scale), -127, 127).astype(np.int8)
    return q, scale


GELU_FLOOR = -0.17  # GELU(x) >= -0.16997 everywhere: the feed-forward output layer's input starts there


def _linear(g: Graph, x: str, w: np.ndarray, b: np.ndarray, int8: bool, floor: float | None = None) -> str:
    """x @ w + b, in float32 or in int8: weights per output column, activations per token, so a token's
    result never depends on the other tokens or rows in the batch, and [CLS]/[SEP]'s large values don't
    coarsen everyone else's steps. Symmetric around 0 (shifted by 128 into uint8 with one zero point for all:
    the fast u8 x s8 kernel; s8 x s8 is not), or, for an input known to be >= `floor`, from the floor up,
    which doubles the resolution of GELU's one-sided output."""
    if not int8:
        (y,) = g.op("MatMul", [x, g.const("w", w)])
        return g.op("Add", [y, g.const("b", b)])[0]
    q, w_scale = _quantize(w)
    tiny = g.const("tiny", np.array(1e-12, np.float32))
    if floor is None:
        (amax,) = g.op("ReduceMax", g.op("Abs", [x]), axes=[-1], keepdims=1)
        (x_scale,) = g.op("Max", [g.op("Div", [amax, g.const("q127", np.array(127.0, np.float32))])[0], tiny])
        (steps,) = g.op("Add", [g.op("Round", g.op("Div", [x, x_scale]))[0],
                                g.const("z", np.array(128.0, np.float32))])
        zero = g.const("zero", np.array(128, np.uint8))
    else:
        (lifted,) = g.op("Sub", [x, g.const("floor", np.array(floor, np.float32))])
        (amax,) = g.op("ReduceMax", [lifted], axes=[-1], keepdims=1)
        (x_scale,) = g.op("Max", [g.op("Div", [amax, g.const("q255", np.array(255.0, np.float32))])[0], tiny])
        (steps,) = g.op("Round", g.op("Div", [lifted, x_scale]))
        zero = g.const("zero", np.array(0, np.uint8))
        # x @ w = (x - floor) @ w + floor * column sums of w (of the quantized w, so the shift cancels exactly).
        b = (b + np.float32(floor) * (q.astype(np.float32) * w_scale).sum(axis=0)).astype(np.float32)
    (xq,) = g.op("Cast", [steps], to=UINT8)
    (acc,) = g.op("MatMulInteger", [xq, g.const("wq", q), zero])
    (y,) = g.op("Mul", [g.op("Mul", [g.op("Cast", [acc], to=FLOAT)[0], x_scale])[0], g.const("w_scale", w_scale)])
    return g.op("Add", [y, g.const("b", b)])[0]


def build_model(layers: Iterable[_Layer], heads: int, eps: float, int8: Collection[str] = INT8_LINEARS) -> bytes:
    """ONNX bytes: inputs `x` (n, L, hidden) and `mask_bias` (n, 1, 1, L); output `hidden` (n, L, hidden).
    `int8` names the linear maps computed in int8 (qkv, out, ff, ff_out); the others stay float32."""
    layers = iter(layers)
    first = next(layers)
    hidden = first.qkv_w.shape[0]
    d = hidden // heads
    scale = np.float32(1.0 / np.sqrt(d))
    g = Graph()
    split_heads = g.const("shape", np.array([0, 0, 3 * heads, d], dtype=np.int64))
    merge_heads = g.const("shape", np.array([0, 0, hidden], dtype=np.int64))
    half, one = g.const("half", np.array(0.5, np.float32)), g.const("one", np.array(1.0, np.float32))
    root2 = g.const("sqrt2", np.array(np.sqrt(2.0), np.float32))
    x = "x"
    for layer in itertools.chain([first], layers):
        # Fold 1/sqrt(d) into the query columns: one Mul fewer per layer.
        qkv_w, qkv_b = layer.qkv_w.copy(), layer.qkv_b.copy()
        qkv_w[:, :hidden] *= scale
        qkv_b[:hidden] *= scale
        qkv = _linear(g, x, qkv_w, qkv_b, "qkv" in int8)
        (per_head,) = g.op("Transpose", g.op("Reshape", [qkv, split_heads]), perm=[0, 2, 1, 3])  # (n, 3h, L, d)
        q, k, v = g.op("Split", [per_head], outputs=3, axis=1)
        (scores,) = g.op("MatMul", [q, g.op("Transpose", [k], perm=[0, 1, 3, 2])[0]])
        (probs,) = g.op("Softmax", g.op("Add", [scores, "mask_bias"]), axis=-1)
        (context,) = g.op("Transpose", g.op("MatMul", [probs, v]), perm=[0, 2, 1, 3])
        (context,) = g.op("Reshape", [context, merge_heads])
        attended = _linear(g, context, layer.out_w, layer.out_b, "out" in int8)
        (x,) = g.op("LayerNormalization", [g.op("Add", [attended, x])[0], g.const("ln", layer.ln1_w),
                                           g.const("ln", layer.ln1_b)], axis=-1, epsilon=eps)
        inner = _linear(g, x, layer.ff_w, layer.ff_b, "ff" in int8)
        (erf,) = g.op("Erf", g.op("Div", [inner, root2]))
        (gelu,) = g.op("Mul", [g.op("Mul", [inner, half])[0], g.op("Add", [erf, one])[0]])
        out = _linear(g, gelu, layer.ff_out_w, layer.ff_out_b, "ff_out" in int8, floor=GELU_FLOOR)
        (x,) = g.op("LayerNormalization", [g.op("Add", [out, x])[0], g.const("ln", layer.ln2_w),
                                           g.const("ln", layer.ln2_b)], axis=-1, epsilon=eps)
    inputs = [value_info("x", FLOAT, ["n", "L", hidden]), value_info("mask_bias", FLOAT, ["n", 1, 1, "L"])]
    return g.model(inputs, [value_info("hidden", FLOAT, ["n", "L", hidden])], rename={x: "hidden"})


def _return_freed_memory() -> None:
    """Hand the build's freed buffers (quantized copies, serialized bytes: ~30 MB) back to the OS; glibc keeps
    them otherwise, and resident memory is a target (#17). Elsewhere a no-op."""
    try:
        import ctypes

        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):
        pass


class OnnxLayers:
    """An onnxruntime session over the transformer layers, one intra-op thread (workers run in parallel)."""

    def __init__(self, model: bytes, threads: int = 1) -> None:
        import onnxruntime as ort  # optional: callers catch ImportError and keep numpy

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session: Any = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
        # The Python wrapper keeps the model bytes for the session's lifetime (its own source calls that bad),
        # only to rebuild the session on a GPU provider's fallback: on CPU that is 11 MB (int8) held for nothing.
        if getattr(self._session, "_model_bytes", None) is not None:
            self._session._model_bytes = None

    def __call__(self, x: np.ndarray, mask_bias: np.ndarray) -> np.ndarray:
        (out,) = self._session.run(["hidden"], {"x": x, "mask_bias": mask_bias})
        return np.asarray(out, dtype=np.float32)


class LazyRuntime:
    """Builds the session on first use, once; `None` from `get()` means: use numpy (no onnxruntime, or
    OARS_ENCODER=numpy, or the build failed)."""

    def __init__(self, layers: Callable[[], Iterable[_Layer]], heads: int, eps: float, backend: str,
                 int8: Collection[str] | None = None, built: Callable[[], None] | None = None) -> None:
        """`built` is called once the session exists (the base encoder then drops its numpy layers)."""
        self._layers, self._heads, self._eps, self._built = layers, heads, eps, built
        self._int8 = INT8_LINEARS if int8 is None else tuple(int8)
        self.backend = backend
        self._runtime: OnnxLayers | None = None
        self._done = self.backend == "numpy"
        self._lock = threading.Lock()

    def get(self) -> OnnxLayers | None:
        if self._done:
            return self._runtime
        with self._lock:
            if not self._done:
                try:
                    int8 = self._int8 if self.backend == "onnx-int8" else ()
                    model = build_model(self._layers(), self._heads, self._eps, int8=int8)
                    self._runtime = OnnxLayers(model)
                    del model
                    if self._built is not None:
                        self._built()
                    _return_freed_memory()
                except Exception as exc:  # ImportError, or any runtime refusal: numpy stays correct
                    log.info("encoder stays on numpy (%s): %s", self.backend, exc)
                    self._runtime = None
                self._done = True
        return self._runtime
