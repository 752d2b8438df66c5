"""Multimodal adaptive fusion module (RA-BLIP paper §2.3): the retrieval embedding space.

About 3 BERT layers of joint self-attention (as the unused `VLFuseModule` of the official code) over
`[query outputs ; caption token states]` for image knowledge, or over text states alone for questions and text
knowledge; then masked mean pooling, a linear projection to `d_embed` and L2 normalisation. A learned type embedding
tells query positions from text positions.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from .attention import padding_bias
from .bert_layer import BertLayer
from .config import FusionConfig

_QUERY_TYPE, _TEXT_TYPE = 0, 1


class FusionModule(nn.Module):
    """Maps query outputs and/or text states to an L2-normalised embedding `[batch, d_embed]`."""

    def __init__(self, config: FusionConfig, d_qformer: int) -> None:
        super().__init__()
        self.type_embeddings = nn.Embedding(2, d_qformer)
        self.layers = nn.ModuleList(
            BertLayer(d_qformer, config.n_heads, config.d_ff, config.layer_norm_eps) for _ in range(config.n_layers)
        )
        self.projection = nn.Linear(d_qformer, config.d_embed)

    def forward(
        self, query_output: torch.Tensor | None, text_states: torch.Tensor, text_mask: torch.Tensor
    ) -> torch.Tensor:
        """`query_output [batch, n_query, d_qformer]` or None, `text_states [batch, seq, d_qformer]`,
        `text_mask [batch, seq]` (1 = token) -> `[batch, d_embed]`, unit L2 norm."""
        hidden = text_states + self.type_embeddings.weight[_TEXT_TYPE]
        mask = text_mask.to(torch.float32)  # [batch, seq]
        if query_output is not None:
            queries = query_output + self.type_embeddings.weight[_QUERY_TYPE]
            hidden = torch.cat([queries, hidden], dim=1)  # [batch, n_query + seq, d_qformer]
            query_mask = torch.ones(query_output.shape[0], query_output.shape[1], device=mask.device)
            mask = torch.cat([query_mask, mask], dim=1)
        bias = padding_bias(mask)
        for layer in self.layers:
            hidden = layer(hidden, bias)
        pooled = (hidden * mask[:, :, None]).sum(dim=1) / mask.sum(dim=1, keepdim=True).clamp(min=1.0)
        return F.normalize(self.projection(pooled), dim=-1)  # [batch, d_embed]
