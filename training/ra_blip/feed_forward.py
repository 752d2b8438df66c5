"""The two feed-forward blocks: BERT's post-LN block (Q-Former, fusion) and a plain MLP (ViT, generator)."""

from __future__ import annotations

import torch
from torch import nn


class PostNormFeedForward(nn.Module):
    """BERT `intermediate` + `output`: `LayerNorm(x + W2 gelu(W1 x))`, `[batch, seq, d] -> [batch, seq, d]`."""

    def __init__(self, d: int, d_ff: int, layer_norm_eps: float, dropout: float = 0.0) -> None:
        super().__init__()
        self.dense_in = nn.Linear(d, d_ff)
        self.act = nn.GELU()  # exact (erf) GELU, as BERT and MiniLM
        self.dense_out = nn.Linear(d_ff, d)
        self.norm = nn.LayerNorm(d, eps=layer_norm_eps)
        self.dropout = nn.Dropout(dropout)  # training only: eval mode (what ONNX export traces) skips it

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.norm(x + self.dropout(self.dense_out(self.act(self.dense_in(x)))))


class Mlp(nn.Module):
    """Pre-LN transformer MLP without residual: `W2 gelu(W1 x)`, `[batch, seq, d] -> [batch, seq, d_out or d]`."""

    def __init__(self, d: int, d_ff: int, d_out: int | None = None) -> None:
        super().__init__()
        self.dense_in = nn.Linear(d, d_ff)
        self.act = nn.GELU()
        self.dense_out = nn.Linear(d_ff, d_out or d)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.dense_out(self.act(self.dense_in(x)))
