"""The BERT post-LN encoder layer (MiniLM's shape): the fusion module and the generator's text encoder."""

from __future__ import annotations

import torch
from torch import nn

from .attention import MultiHeadAttention
from .feed_forward import PostNormFeedForward


class BertLayer(nn.Module):
    """BERT post-LN layer: self-attention then FFN, `[batch, seq, d]` in and out (fusion, generator text encoder)."""

    def __init__(self, d: int, n_heads: int, d_ff: int, layer_norm_eps: float, dropout: float = 0.0) -> None:
        super().__init__()
        self.self_attn = MultiHeadAttention(d, d, n_heads)
        self.self_attn_norm = nn.LayerNorm(d, eps=layer_norm_eps)
        self.ffn = PostNormFeedForward(d, d_ff, layer_norm_eps, dropout)
        self.dropout = nn.Dropout(dropout)  # BERT's hidden dropout, before each residual add; training only

    def forward(self, hidden: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        hidden = self.self_attn_norm(hidden + self.dropout(self.self_attn(hidden, bias=bias)))
        return self.ffn(hidden)
