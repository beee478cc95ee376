"""The onnxruntime backend of the encoder against the numpy reference, on the same merged weights."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from exercises import semantic
from exercises.coder import learned
from exercises.semantic.encoder import Encoder
from exercises.semantic.onnx_layers import LazyRuntime, build_model, resolve_backend
from exercises.semantic.pairs import GRADING_BUDGET, encode_pair

needs_model = pytest.mark.skipif(not semantic.available(), reason="no model (or OARS_SEMANTIC=0)")
try:
    import onnxruntime  # noqa: F401

    HAVE_ORT = True
except ImportError:
    HAVE_ORT = False
needs_ort = pytest.mark.skipif(not HAVE_ORT, reason="onnxruntime not installed")

TEXTS = ["My kids never listen to me anymore.", "You miss feeling connected to them.",
         "A much longer sentence, so that a batch has padding in it: lots and lots of padding, honestly."]
PAIRS = [((TEXTS[0],), TEXTS[1]), ((), TEXTS[2]), ((TEXTS[2], TEXTS[0]), "What would you like to change?")]


def _base() -> Encoder:
    enc = semantic.encoder()
    assert enc is not None
    return enc


def _pairs(enc: Encoder) -> list[tuple[list[int], list[int]]]:
    return [encode_pair(enc.tokenizer, ctx, text, GRADING_BUDGET) for ctx, text in PAIRS]


def test_backend_choice() -> None:
    # One choice for both encoders (#17: the base encoder in int8 graded grade_dev and 1,640 writer replies
    # byte-identically to float32; before that change the base encoder ignored onnx-int8).
    assert resolve_backend("numpy") == "numpy"
    assert resolve_backend("onnx-int8") == "onnx-int8"
    assert resolve_backend("onnx-fp32") == "onnx-fp32"
    assert resolve_backend("auto") == resolve_backend("nonsense") == "onnx-int8"


def test_environment_forces_numpy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OARS_ENCODER", "numpy")
    assert resolve_backend(None) == "numpy"
    assert LazyRuntime(list, 1, 1e-12, "numpy").get() is None


@needs_model
def test_without_onnxruntime_numpy_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # `import onnxruntime` now raises ImportError
    enc = _base().with_backend("onnx-fp32")
    got = enc.encode(TEXTS)
    assert enc._runtime.get() is None
    assert np.abs(got - _base().with_backend("numpy").encode(TEXTS)).max() < 1e-6


@needs_model
def test_graph_bytes_are_valid_onnx() -> None:
    onnx = pytest.importorskip("onnx")
    enc = _base()
    for int8 in ((), ("qkv", "out", "ff", "ff_out")):
        model = onnx.load_from_string(build_model(enc.layers[:1], enc.heads, enc.eps, int8=int8))
        onnx.checker.check_model(model)
        assert [i.name for i in model.graph.input] == ["x", "mask_bias"]
        assert [o.name for o in model.graph.output] == ["hidden"]


@needs_model
@needs_ort
def test_float32_session_matches_numpy() -> None:
    enc = _base()
    numpy_enc, onnx_enc = enc.with_backend("numpy"), enc.with_backend("onnx-fp32")
    assert onnx_enc._runtime.get() is not None
    assert np.abs(onnx_enc.encode(TEXTS) - numpy_enc.encode(TEXTS)).max() < 1e-5
    pairs = _pairs(enc)
    assert np.abs(onnx_enc.pair_vectors(pairs) - numpy_enc.pair_vectors(pairs)).max() < 1e-4


@needs_model
@needs_ort
def test_base_session_replaces_the_numpy_layers_and_stays_close() -> None:
    """The base encoder runs in onnxruntime (int8 by default) and keeps no numpy copy of its layers (42 MB) once
    the session exists; the numpy path reads them again from the model file, and the vectors stay close."""
    folder = semantic.model_dir()
    assert folder is not None
    enc = Encoder(folder, backend="auto")
    assert enc.backend == "onnx-int8" and enc._layers is None
    got = enc.encode(TEXTS)
    assert enc._runtime.get() is not None and enc._layers is None
    reference = enc.with_backend("numpy")
    want = reference.encode(TEXTS)
    assert (got * want).sum(1).min() > 0.99  # unit vectors: the cosine
    assert len(reference.layers) == 6 and enc._layers is None  # the twin read its own copy
    pairs = _pairs(enc)
    want, got = reference.pair_vectors(pairs), enc.pair_vectors(pairs)
    cosine = (want * got).sum(1) / np.linalg.norm(want, axis=1) / np.linalg.norm(got, axis=1)
    assert cosine.min() > 0.99, cosine


@needs_model
@needs_ort
def test_int8_session_stays_close_to_numpy() -> None:
    model = learned.load()
    assert model is not None
    numpy_enc, int8_enc = model.encoder.with_backend("numpy"), model.encoder.with_backend("onnx-int8")
    pairs = _pairs(model.encoder)
    want, got = numpy_enc.pair_vectors(pairs), int8_enc.pair_vectors(pairs)
    cosine = (want * got).sum(1) / np.linalg.norm(want, axis=1) / np.linalg.norm(got, axis=1)
    assert cosine.min() > 0.97, cosine
    # Batched and single calls agree within the session as well (padding is masked out).
    single = np.concatenate([int8_enc.pair_vectors([p]) for p in pairs])
    assert np.abs(single - got).max() < 0.05


@needs_model
@needs_ort
def test_adapted_encoder_on_onnxruntime_never_merges_float32_layers() -> None:
    """The session is built from the deltas layer by layer; the merged numpy copy (42 MB) is made only when the
    numpy path needs it."""
    twin = _base().adapted({"l0.ln1.w": np.ones(384, np.float32)}, backend="onnx-int8")
    twin.pair_vectors(_pairs(twin))
    assert twin._layers is None
    assert len(twin.layers) == 6 and twin._layers is not None
