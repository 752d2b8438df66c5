"""Question-instructed Q-Former (InstructBLIP; RA-BLIP paper §2.2).

`n_query` learned queries are concatenated before the instruction tokens and share the self-attention of BERT
post-LN layers with them. The queries alone cross-attend to the image every `cross_attention_freq` layers (0, 2, 4, …)
and have their own feed-forward (LAVIS `intermediate_query`). Without queries the same layers are a plain BERT
encoder: the "text branch" that embeds questions, captions and text knowledge (initialised from all-MiniLM-L6-v2).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import torch
from torch import nn

from .attention import MultiHeadAttention, padding_bias
from .config import QFormerConfig
from .feed_forward import PostNormFeedForward


@dataclass
class QFormerOutput:
    """`query [batch, n_query, d_qformer]`: the query outputs; `text [batch, seq, d_qformer]`: instruction states."""

    query: torch.Tensor
    text: torch.Tensor


class QFormerEmbeddings(nn.Module):
    """BERT embeddings without token types: `LayerNorm(word + position)` for text, `LayerNorm(query)` for queries.

    BERT's token-type-0 row is folded into `position` when MiniLM weights are loaded (we only ever use type 0).
    """

    def __init__(self, config: QFormerConfig) -> None:
        super().__init__()
        self.word = nn.Embedding(config.vocab_size, config.d_qformer)
        self.position = nn.Embedding(config.max_positions, config.d_qformer)
        self.norm = nn.LayerNorm(config.d_qformer, eps=config.layer_norm_eps)

    def forward(self, input_ids: torch.Tensor, query_tokens: torch.Tensor | None) -> torch.Tensor:
        """`input_ids [batch, seq]`, `query_tokens [batch, n_query, d]` -> `[batch, (n_query +) seq, d_qformer]`."""
        positions = torch.arange(input_ids.shape[1], device=input_ids.device)  # [seq]
        text = self.word(input_ids) + self.position(positions)[None]  # [batch, seq, d_qformer]
        if query_tokens is None:
            return self.norm(text)
        return self.norm(torch.cat([query_tokens, text], dim=1))


class QFormerLayer(nn.Module):
    """One BERT post-LN layer with an optional query-only cross-attention and separate query/text FFNs."""

    def __init__(self, config: QFormerConfig, d_vit: int, has_cross_attention: bool) -> None:
        super().__init__()
        d, eps = config.d_qformer, config.layer_norm_eps
        self.self_attn = MultiHeadAttention(d, d, config.n_heads)
        self.self_attn_norm = nn.LayerNorm(d, eps=eps)
        self.cross_attn = MultiHeadAttention(d, d_vit, config.n_heads) if has_cross_attention else None
        self.cross_attn_norm = nn.LayerNorm(d, eps=eps) if has_cross_attention else None
        self.text_ffn = PostNormFeedForward(d, config.d_ff, eps)
        self.query_ffn = PostNormFeedForward(d, config.d_ff, eps)

    def forward(
        self, hidden: torch.Tensor, bias: torch.Tensor, n_query: int, image_embeds: torch.Tensor | None
    ) -> torch.Tensor:
        """`hidden [batch, n_query + seq, d_qformer]` (n_query may be 0) -> same shape.

        `bias [batch, 1, 1, n_query + seq]`; `image_embeds [batch, n_patch, d_vit]` is read by query positions only.
        """
        hidden = self.self_attn_norm(hidden + self.self_attn(hidden, bias=bias))
        if n_query == 0:
            return self.text_ffn(hidden)
        query, text = hidden[:, :n_query], hidden[:, n_query:]  # [batch, n_query, d], [batch, seq, d]
        if self.cross_attn is not None and self.cross_attn_norm is not None and image_embeds is not None:
            query = self.cross_attn_norm(query + self.cross_attn(query, context=image_embeds))
        return torch.cat([self.query_ffn(query), self.text_ffn(text)], dim=1)


class QFormer(nn.Module):
    """Queries + instruction over image patches (`forward`), or the instruction alone (`encode_text`)."""

    def __init__(self, config: QFormerConfig, d_vit: int) -> None:
        super().__init__()
        self.config = config
        self.embeddings = QFormerEmbeddings(config)
        self.query_tokens = nn.Parameter(torch.zeros(1, config.n_query, config.d_qformer))
        self.layers = nn.ModuleList(
            QFormerLayer(config, d_vit, has_cross_attention=i % config.cross_attention_freq == 0)
            for i in range(config.n_layers)
        )

    def forward(
        self, image_embeds: torch.Tensor, input_ids: torch.Tensor, attention_mask: torch.Tensor
    ) -> QFormerOutput:
        """`image_embeds [batch, n_patch, d_vit]`, instruction `input_ids`/`attention_mask [batch, seq]`."""
        batch, n_query = input_ids.shape[0], self.config.n_query
        queries = self.query_tokens.expand(batch, -1, -1)  # [batch, n_query, d_qformer]
        hidden = self.embeddings(input_ids, queries)  # [batch, n_query + seq, d_qformer]
        query_mask = torch.ones(batch, n_query, dtype=attention_mask.dtype, device=attention_mask.device)
        bias = padding_bias(torch.cat([query_mask, attention_mask], dim=1))  # [batch, 1, 1, n_query + seq]
        for layer in self.layers:
            hidden = layer(hidden, bias, n_query, image_embeds)
        return QFormerOutput(query=hidden[:, :n_query], text=hidden[:, n_query:])

    def layer_stack(self) -> list[QFormerLayer]:
        """The layers, typed."""
        return [cast(QFormerLayer, layer) for layer in self.layers]

    def encode_text(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """Text branch: `input_ids`/`attention_mask [batch, seq]` -> `[batch, seq, d_qformer]` (no queries)."""
        hidden = self.embeddings(input_ids, None)
        bias = padding_bias(attention_mask)
        for layer in self.layers:
            hidden = layer(hidden, bias, 0, None)
        return hidden
