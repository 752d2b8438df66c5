"""Multi-head attention shared by every component, written out (matmul, softmax) so that ONNX export is plain.

Masks are additive biases broadcast over heads: 0 where attention is allowed, `MASK_VALUE` where it is not.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import nn

# Large and finite: exp() underflows to exactly 0, and adding two of them stays finite in float32.
MASK_VALUE = -1e9


@dataclass
class KeyValue:
    """Keys and values of one attention layer, both `[batch, n_heads, seq, d_head]`."""

    key: torch.Tensor
    value: torch.Tensor


def padding_bias(attention_mask: torch.Tensor) -> torch.Tensor:
    """`[batch, seq_k]` of 1 (attend) / 0 (padding) -> additive bias `[batch, 1, 1, seq_k]`."""
    return (1.0 - attention_mask.to(torch.float32))[:, None, None, :] * MASK_VALUE


def causal_bias(seq: int, device: torch.device) -> torch.Tensor:
    """Additive bias `[1, 1, seq, seq]` that hides future positions."""
    future = torch.ones(seq, seq, dtype=torch.bool, device=device).triu(diagonal=1)
    return torch.zeros(seq, seq, device=device).masked_fill(future, MASK_VALUE)[None, None]


class MultiHeadAttention(nn.Module):
    """Scaled dot-product attention from `d_query`-wide queries to `d_context`-wide keys/values."""

    def __init__(self, d_query: int, d_context: int, n_heads: int) -> None:
        super().__init__()
        if d_query % n_heads != 0:
            raise ValueError(f"width {d_query} is not divisible by {n_heads} heads")
        self.n_heads = n_heads
        self.d_head = d_query // n_heads
        self.query = nn.Linear(d_query, d_query)
        self.key = nn.Linear(d_context, d_query)
        self.value = nn.Linear(d_context, d_query)
        self.out = nn.Linear(d_query, d_query)

    def split_heads(self, x: torch.Tensor) -> torch.Tensor:
        """`[batch, seq, n_heads * d_head]` -> `[batch, n_heads, seq, d_head]`."""
        return x.reshape(x.shape[0], x.shape[1], self.n_heads, self.d_head).transpose(1, 2)

    def project_kv(self, context: torch.Tensor) -> KeyValue:
        """`context [batch, seq_k, d_context]` -> keys and values `[batch, n_heads, seq_k, d_head]`."""
        return KeyValue(key=self.split_heads(self.key(context)), value=self.split_heads(self.value(context)))

    def attend(self, x: torch.Tensor, kv: KeyValue, bias: torch.Tensor | None) -> torch.Tensor:
        """`x [batch, seq_q, d_query]` over `kv` with `bias` broadcastable to `[batch, n_heads, seq_q, seq_k]`."""
        q = self.split_heads(self.query(x))  # [batch, n_heads, seq_q, d_head]
        scores = torch.matmul(q, kv.key.transpose(-1, -2)) * (1.0 / math.sqrt(self.d_head))
        if bias is not None:
            scores = scores + bias
        weights = torch.softmax(scores, dim=-1)  # [batch, n_heads, seq_q, seq_k]
        mixed = torch.matmul(weights, kv.value).transpose(1, 2).flatten(2)  # [batch, seq_q, d_query]
        return self.out(mixed)

    def forward(
        self, x: torch.Tensor, context: torch.Tensor | None = None, bias: torch.Tensor | None = None
    ) -> torch.Tensor:
        """Self-attention (`context` None) or cross-attention; returns `[batch, seq_q, d_query]`."""
        return self.attend(x, self.project_kv(x if context is None else context), bias)
