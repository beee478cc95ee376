"""Load the exported linear model from package data and score feature vectors with numpy."""

from __future__ import annotations

import base64
import json
from functools import cache
from importlib import resources

import numpy as np

from exercises.coder.features import DIM, FEATURE_VERSION, featurize
from exercises.vocabulary import CODES

MODEL_FILE = "coder_model.json"


class Model:
    """A (DIM x codes) weight matrix plus bias; scoring is a row gather and a softmax."""

    def __init__(self, weights: np.ndarray, bias: np.ndarray, codes: tuple[str, ...]) -> None:
        self.weights = weights
        self.bias = bias
        self.codes = codes

    @classmethod
    def from_json(cls, raw: str) -> Model:
        data = json.loads(raw)
        if data.get("feature_version") != FEATURE_VERSION or data.get("dim") != DIM:
            raise RuntimeError("coder model was trained with a different feature recipe; retrain it")
        codes = tuple(data["codes"])
        if set(codes) != set(CODES):
            raise RuntimeError("coder model codes do not match exercises.vocabulary.CODES")
        buf = base64.b64decode(data["weights"])
        weights = np.frombuffer(buf, dtype="<f2").astype(np.float32).reshape(DIM, len(codes))
        bias = np.asarray(data["bias"], dtype=np.float32)
        return cls(weights, bias, codes)

    def probabilities(self, text: str) -> np.ndarray:
        feats = featurize(text)
        if feats:
            idx = np.fromiter(feats.keys(), dtype=np.int64, count=len(feats))
            val = np.fromiter(feats.values(), dtype=np.float32, count=len(feats))
            scores = val @ self.weights[idx] + self.bias
        else:
            scores = self.bias.copy()
        scores = scores - scores.max()
        exp = np.exp(scores)
        out: np.ndarray = exp / exp.sum()
        return out

    def ranked(self, text: str) -> list[tuple[str, float]]:
        probs = self.probabilities(text)
        order = np.argsort(-probs)
        return [(self.codes[int(i)], float(probs[int(i)])) for i in order]


@cache
def load_model() -> Model:
    """The committed model, read once per process from exercises/data."""
    raw = resources.files("exercises").joinpath("data", MODEL_FILE).read_text(encoding="utf-8")
    return Model.from_json(raw)
