"""The numpy MiniLM encoder against reference vectors from sentence-transformers (rounded to 5 decimals)."""

from __future__ import annotations

import json
import random
import struct
from pathlib import Path

import numpy as np
import pytest

from exercises import semantic
from exercises.semantic import safetensors
from exercises.semantic.tokenizer import WordPiece, normalize, pre_tokenize

REFERENCE = Path(__file__).parent / "data" / "minilm_reference.json"

needs_model = pytest.mark.skipif(not semantic.available(), reason="no model (or OARS_SEMANTIC=0)")


def _reference() -> list[dict]:
    return json.loads(REFERENCE.read_text(encoding="utf-8"))["sentences"]


@needs_model
@pytest.mark.parametrize("backend", ["numpy", "onnx-fp32"])
def test_encoder_reproduces_reference_vectors(backend: str) -> None:
    """The reference arithmetic (numpy, and float32 in onnxruntime when installed) matches sentence-transformers."""
    rows = _reference()
    base = semantic.encoder()
    assert base is not None
    got = base.with_backend(backend).encode([r["text"] for r in rows])
    want = np.array([r["embedding"] for r in rows], dtype=np.float64)
    assert got.shape == (len(rows), 384)
    cos = (got * want).sum(axis=1) / np.linalg.norm(want, axis=1)
    assert cos.min() >= 0.9999, cos
    assert np.abs(got - want).max() < 2e-5
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)


@needs_model
def test_default_embeddings_stay_close_to_the_reference() -> None:
    """What tips and the grader use (int8 by default since #17: graded the same as float32) stays within a
    cosine of 0.99 of sentence-transformers."""
    rows = _reference()
    got = semantic.embed([r["text"] for r in rows])
    want = np.array([r["embedding"] for r in rows], dtype=np.float64)
    cos = (got * want).sum(axis=1) / np.linalg.norm(want, axis=1)
    assert cos.min() >= 0.99, cos
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)


@needs_model
def test_tokenizer_matches_reference_ids() -> None:
    folder = semantic.model_dir()
    assert folder is not None
    tok = WordPiece.from_vocab_file(folder / "vocab.txt")
    for row in _reference():
        assert tok.encode(row["text"]) == row["input_ids"], row["text"]


@needs_model
def test_batch_and_single_agree_and_similarity_is_cosine() -> None:
    a, b = "My kids never listen to me anymore.", "You miss feeling connected to them."
    enc = semantic._load()
    assert enc is not None
    batch = enc.encode([a, b, "A much longer sentence so that the batch has padding in it, lots of it."])
    single = enc.encode([b])
    assert np.abs(batch[1] - single[0]).max() < 1e-5
    assert semantic.similarity(a, b) == pytest.approx(float(batch[0] @ batch[1]), abs=1e-5)
    assert semantic.similarity(a, a) == pytest.approx(1.0, abs=1e-5)


@needs_model
def test_token_vectors_are_the_pooled_states() -> None:
    """Per-token contextual vectors (without [CLS]/[SEP]) come from the same forward pass as the embedding."""
    enc = semantic._load()
    assert enc is not None
    text = "You're tired of repeating yourself."
    tokens, vecs = enc.token_vectors(text)
    assert tokens == enc.tokenizer.tokens(text)[1:-1]
    assert vecs.shape == (len(tokens), enc.dim)
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    ids = enc.tokenizer.encode(text)
    states = enc._forward(*enc._pad([ids]))[0]
    pooled = states.mean(axis=0)
    assert np.abs(pooled / np.linalg.norm(pooled) - enc.encode([text])[0]).max() < 1e-6
    _, middle = enc.token_vectors(text, layer=4)
    assert middle.shape == vecs.shape and not np.allclose(middle, vecs)


def test_wordpiece_greedy_longest_match_and_unknown() -> None:
    tok = WordPiece(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "un", "##aff", "##able", "runn", "##ing", ",", "!"])
    assert tok.encode("unaffable, running!") == [2, 4, 5, 6, 9, 7, 8, 10, 3]
    assert tok.encode("unzip") == [2, 1, 3]
    assert len(tok.encode("un " * 300, max_tokens=16)) == 16


def test_normalizer_and_pretokenizer() -> None:
    assert normalize("Café\tNAÏVE\u0007") == "cafe naive"
    assert pre_tokenize("i'm (fine)!") == ["i", "'", "m", "(", "fine", ")", "!"]


def test_ascii_fast_paths_match_the_unicode_rules() -> None:
    """ASCII text skips the Unicode tables; a dropped zero-width space (or a trailing non-ASCII word) sends the
    same text down the general path, which must give the same result."""
    rng = random.Random(5)
    alphabet = [chr(i) for i in range(128)]
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        assert normalize(text) == normalize(text + "\u200b")
        for words in (text, normalize(text)):
            assert pre_tokenize(words) == pre_tokenize(words + " \u00e9")[:-1]


def test_safetensors_reader_round_trip(tmp_path: Path) -> None:
    a = np.arange(6, dtype="<f4").reshape(2, 3)
    b = np.array([1, -2], dtype="<i8")
    header = {"__metadata__": {"format": "pt"},
              "a": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]},
              "b": {"dtype": "I64", "shape": [2], "data_offsets": [24, 40]}}
    raw = json.dumps(header).encode()
    path = tmp_path / "t.safetensors"
    path.write_bytes(struct.pack("<Q", len(raw)) + raw + a.tobytes() + b.tobytes())
    tensors = safetensors.load(path)
    assert set(tensors) == {"a", "b"}
    assert np.array_equal(tensors["a"], a) and np.array_equal(tensors["b"], b)
    path.write_bytes(b"\x01")
    with pytest.raises(safetensors.SafetensorsError):
        safetensors.load(path)


def test_row_table_reads_rows_without_mapping_the_file(tmp_path: Path) -> None:
    table = np.arange(20, dtype="<f4").reshape(5, 4)
    header = {"pad": {"dtype": "I8", "shape": [3], "data_offsets": [0, 3]},
              "t": {"dtype": "F32", "shape": [5, 4], "data_offsets": [3, 83]}}
    raw = json.dumps(header).encode()
    path = tmp_path / "t.safetensors"
    path.write_bytes(struct.pack("<Q", len(raw)) + raw + b"\x00\x01\x02" + table.tobytes())
    rows = safetensors.RowTable(path, "t")
    ids = np.array([[4, 0, 4], [1, 1, 2]])
    assert np.array_equal(rows[ids], table[ids]) and rows[ids].shape == (2, 3, 4)
    assert np.array_equal(rows[np.array([3])], safetensors.load(path)["t"][[3]])
    with pytest.raises(IndexError):
        rows[np.array([5])]
    with pytest.raises(safetensors.SafetensorsError):
        safetensors.RowTable(path, "pad")


def test_missing_package_means_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(semantic, "MODEL_PACKAGE", "no_such_model_package_here")
    semantic.reset()
    try:
        assert semantic.model_dir() is None
        assert not semantic.available()
        with pytest.raises(semantic.SemanticUnavailable):
            semantic.embed(["hello"])
    finally:
        monkeypatch.undo()
        semantic.reset()
