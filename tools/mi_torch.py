"""all-MiniLM-L6-v2 in torch with LoRA adapters and multi-task heads (training only; never imported at run time).

The forward pass mirrors exercises/semantic/encoder.py exactly (fused QKV, erf GELU, post-LayerNorm), so the
exported low-rank deltas, LayerNorm parameters and heads reproduce the trained model in numpy.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import cast

import numpy as np
import torch
from torch import nn

from exercises.semantic import safetensors

HEADS = {"behaviour": 4, "qtype": 2, "rtype": 2, "itype": 4, "talk": 3, "code": 13}
PROBLEMS = ("none", "closed", "not_a_question", "question_not_statement", "advice", "warning", "argue_or_correct",
            "judge_or_label", "sarcasm", "reassure_or_minimise", "self_focus", "generic", "parrot", "wrong_feeling",
            "off_content", "undercut_autonomy", "one_sided_summary", "not_the_skill", "gibberish")


class LoRALinear(nn.Module):
    """y = x W^T + b + scale * x A^T B^T, with W and b frozen."""

    def __init__(self, weight: np.ndarray, bias: np.ndarray, rank: int, alpha: float) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.tensor(np.asarray(weight, dtype=np.float32)), requires_grad=False)
        self.bias = nn.Parameter(torch.tensor(np.asarray(bias, dtype=np.float32)), requires_grad=False)
        out_f, in_f = self.weight.shape
        self.lora_a = nn.Parameter(torch.randn(rank, in_f) / math.sqrt(in_f))
        self.lora_b = nn.Parameter(torch.zeros(out_f, rank))
        self.scale = alpha / rank

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x @ self.weight.T + self.bias + (x @ self.lora_a.T @ self.lora_b.T) * self.scale

    def delta(self) -> tuple[np.ndarray, np.ndarray]:
        """(B * scale, A): the weight delta is their product, shape (out, in)."""
        return (self.lora_b.detach().numpy() * self.scale).astype(np.float32), self.lora_a.detach().numpy()


class Layer(nn.Module):
    def __init__(self, get: Callable[[str], np.ndarray], i: int, rank: int, alpha: float, heads: int) -> None:
        super().__init__()
        p = f"encoder.layer.{i}."
        att = p + "attention."
        qkv_w = np.concatenate([get(att + f"self.{n}.weight") for n in ("query", "key", "value")])
        qkv_b = np.concatenate([get(att + f"self.{n}.bias") for n in ("query", "key", "value")])
        self.qkv = LoRALinear(qkv_w, qkv_b, rank, alpha)
        self.out = LoRALinear(get(att + "output.dense.weight"), get(att + "output.dense.bias"), rank, alpha)
        self.ln1 = nn.LayerNorm(qkv_w.shape[1], eps=1e-12)
        self.ln1.weight.data = torch.tensor(np.array(get(att + "output.LayerNorm.weight"), dtype=np.float32))
        self.ln1.bias.data = torch.tensor(np.array(get(att + "output.LayerNorm.bias"), dtype=np.float32))
        self.ff = LoRALinear(get(p + "intermediate.dense.weight"), get(p + "intermediate.dense.bias"), rank, alpha)
        self.ff_out = LoRALinear(get(p + "output.dense.weight"), get(p + "output.dense.bias"), rank, alpha)
        self.ln2 = nn.LayerNorm(qkv_w.shape[1], eps=1e-12)
        self.ln2.weight.data = torch.tensor(np.array(get(p + "output.LayerNorm.weight"), dtype=np.float32))
        self.ln2.bias.data = torch.tensor(np.array(get(p + "output.LayerNorm.bias"), dtype=np.float32))
        self.heads = heads

    def forward(self, x: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        n, length, hidden = x.shape
        h, d = self.heads, hidden // self.heads
        qkv = self.qkv(x).reshape(n, length, 3, h, d).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        scores = (q @ k.transpose(-1, -2)) / math.sqrt(d) + bias
        probs = torch.softmax(scores, dim=-1)
        context = (probs @ v).transpose(1, 2).reshape(n, length, hidden)
        x = self.ln1(self.out(context) + x)
        return self.ln2(self.ff_out(nn.functional.gelu(self.ff(x))) + x)


class MiniLM(nn.Module):
    """Encoder + pooled (text-segment mean) vector + linear coder heads."""

    def __init__(self, model_dir: Path, rank: int = 8, alpha: float = 16.0, signal_dim: int = 16,
                 lora_from: int = 0) -> None:
        super().__init__()
        w = safetensors.load(model_dir / "model.safetensors")
        prefix = "bert." if "bert.embeddings.word_embeddings.weight" in w else ""

        def get(name: str) -> np.ndarray:
            return np.array(w[prefix + name], dtype=np.float32)

        self.word = nn.Parameter(torch.tensor(get("embeddings.word_embeddings.weight")), requires_grad=False)
        self.position = nn.Parameter(torch.tensor(get("embeddings.position_embeddings.weight")), requires_grad=False)
        self.token_type = nn.Parameter(torch.tensor(get("embeddings.token_type_embeddings.weight")),
                                       requires_grad=False)
        self.emb_ln = nn.LayerNorm(self.word.shape[1], eps=1e-12)
        self.emb_ln.weight.data = torch.tensor(get("embeddings.LayerNorm.weight"))
        self.emb_ln.bias.data = torch.tensor(get("embeddings.LayerNorm.bias"))
        for p in self.emb_ln.parameters():
            p.requires_grad = False
        self.layers = nn.ModuleList(Layer(get, i, rank, alpha, 12) for i in range(6))
        for layer in self.layers[:lora_from]:
            for p in layer.parameters():
                p.requires_grad = False
        hidden = self.word.shape[1]
        self.heads = nn.ModuleDict({name: nn.Linear(hidden, n) for name, n in HEADS.items()})
        self.grade_hidden = nn.Linear(hidden + signal_dim, 128)
        self.grade_out = nn.Linear(128, 1 + len(PROBLEMS))

    def encode(self, ids: torch.Tensor, types: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        length = ids.shape[1]
        x = self.word[ids] + self.position[:length] + self.token_type[types]
        x = self.emb_ln(x)
        bias = ((1.0 - mask) * torch.finfo(torch.float32).min)[:, None, None, :]
        for layer in self.layers:
            x = layer(x, bias)
        seg = mask * (types == 1).float()
        pooled = (x * seg[:, :, None]).sum(1) / seg.sum(1, keepdim=True).clamp(min=1.0)
        return pooled

    def grade(self, pooled: torch.Tensor, signals: torch.Tensor) -> torch.Tensor:
        """(n, 1 + problems): the pass logit, then the problem logits."""
        return self.grade_out(nn.functional.gelu(self.grade_hidden(torch.cat([pooled, signals], -1))))

    def forward(self, ids: torch.Tensor, types: torch.Tensor, mask: torch.Tensor) -> dict[str, torch.Tensor]:
        pooled = self.encode(ids, types, mask)
        out = {name: head(pooled) for name, head in self.heads.items()}
        out["pooled"] = pooled
        return out

    def export(self) -> dict[str, np.ndarray]:
        """Low-rank deltas and trained LayerNorms per layer, and every head, as float32 arrays."""
        arrays: dict[str, np.ndarray] = {}
        for i, layer in enumerate(self.layers):
            for name in ("qkv", "out", "ff", "ff_out"):
                b, a = getattr(layer, name).delta()
                arrays[f"l{i}.{name}.B"], arrays[f"l{i}.{name}.A"] = b, a
            for name in ("ln1", "ln2"):
                ln = getattr(layer, name)
                arrays[f"l{i}.{name}.w"] = ln.weight.detach().numpy()
                arrays[f"l{i}.{name}.b"] = ln.bias.detach().numpy()
        for name in ("grade_hidden", "grade_out"):
            arrays[f"{name}.w"] = getattr(self, name).weight.detach().numpy()
            arrays[f"{name}.b"] = getattr(self, name).bias.detach().numpy()
        for name, head in self.heads.items():
            linear = cast(nn.Linear, head)
            arrays[f"head.{name}.w"] = linear.weight.detach().numpy()
            arrays[f"head.{name}.b"] = linear.bias.detach().numpy()
        return arrays
