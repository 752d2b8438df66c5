"""Export wrappers around a Hugging Face `InstructBlipForConditionalGeneration` (T5 generator).

Each wrapper is an `nn.Module` whose `forward` takes and returns tensors only, with the graph I/O of
docs/bundle-format.md. They reuse the HF submodules (and so their weights) and re-implement only the glue that
HF drives with Python control flow or cache objects: the placeholder scatter, the masks, T5's relative position
bias and the decoder's self-attention cache. Positions are derived with tensor ops (cumsum over ones), never from
Python ints, so the traced graphs stay correct for every `seq`, `enc_seq` and `past` length.
"""

from __future__ import annotations

import torch
from torch import nn
from transformers import InstructBlipForConditionalGeneration
from transformers.models.t5.modeling_t5 import T5Attention


def _additive_mask(mask: torch.Tensor) -> torch.Tensor:
    """`[batch, k]` int 0/1 -> `[batch, 1, 1, k]` float: 0 where attended, float32 min where masked (as HF eager)."""
    return (1.0 - mask[:, None, None, :].to(torch.float32)) * torch.finfo(torch.float32).min


def _positions(like: torch.Tensor) -> torch.Tensor:
    """`[k]` int64 `0…k-1` for a 1-D tensor of length k, built from data so the trace keeps `k` dynamic."""
    return torch.cumsum(torch.ones_like(like, dtype=torch.int64), dim=0) - 1


def _relative_bias(attn: T5Attention, query_pos: torch.Tensor, key_pos: torch.Tensor) -> torch.Tensor:
    """T5 relative position bias `[1, n_heads, q, k]` for int64 positions `query_pos [q]` and `key_pos [k]`."""
    relative = key_pos[None, :] - query_pos[:, None]  # [q, k]: memory position - query position
    bucket = attn._relative_position_bucket(
        relative,
        bidirectional=not attn.is_decoder,
        num_buckets=attn.relative_attention_num_buckets,
        max_distance=attn.relative_attention_max_distance,
    )
    return attn.relative_attention_bias(bucket).permute(2, 0, 1).unsqueeze(0)


def _split_heads(attn: T5Attention, x: torch.Tensor) -> torch.Tensor:
    """`[batch, seq, n_heads * d_head]` -> `[batch, n_heads, seq, d_head]`."""
    return x.view(x.shape[0], x.shape[1], attn.n_heads, attn.key_value_proj_dim).transpose(1, 2)


def _attend(
    attn: T5Attention, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, bias: torch.Tensor
) -> torch.Tensor:
    """T5 attention (no 1/sqrt(d) scaling): q `[b, h, q, d]`, k/v `[b, h, k, d]`, bias broadcastable to `[b, h, q, k]`.

    Returns the output projection `[b, q, d_model]`.
    """
    weights = torch.softmax(torch.matmul(q, k.transpose(2, 3)) + bias, dim=-1)
    out = torch.matmul(weights, v).transpose(1, 2)  # [b, q, h, d]
    return attn.o(out.reshape(out.shape[0], out.shape[1], -1))


class VisionGraph(nn.Module):
    """`pixel_values [batch, 3, size, size]` -> `image_embeds [batch, n_patch, d_vit]` (after post-layernorm)."""

    def __init__(self, model: InstructBlipForConditionalGeneration) -> None:
        super().__init__()
        self.vision = model.vision_model

    def forward(self, pixel_values: torch.Tensor) -> torch.Tensor:
        return self.vision(pixel_values=pixel_values).last_hidden_state


class QFormerGraph(nn.Module):
    """Instruction-aware Q-Former: the query positions of its last layer, before `language_projection`.

    `image_embeds [batch, n_patch, d_vit]`, `input_ids/attention_mask [batch, seq]` ->
    `query_output [batch, n_query, d_qformer]`.
    """

    def __init__(self, model: InstructBlipForConditionalGeneration) -> None:
        super().__init__()
        self.qformer = model.qformer
        self.query_tokens = model.query_tokens  # [1, n_query, d_qformer]

    def forward(
        self, image_embeds: torch.Tensor, input_ids: torch.Tensor, attention_mask: torch.Tensor
    ) -> torch.Tensor:
        n_query = self.query_tokens.shape[1]
        query = self.query_tokens.expand(image_embeds.shape[0], -1, -1)
        query_mask = torch.ones_like(query[:, :, 0], dtype=attention_mask.dtype)  # [batch, n_query]
        out = self.qformer(
            input_ids=input_ids,
            attention_mask=torch.cat([query_mask, attention_mask], dim=1),
            query_embeds=query,
            encoder_hidden_states=image_embeds,
            encoder_attention_mask=torch.ones_like(image_embeds[:, :, 0], dtype=attention_mask.dtype),
        ).last_hidden_state
        return out[:, :n_query, :]


class GenEncoderGraph(nn.Module):
    """Projection + placeholder scatter + T5 encoder + per-layer cross-attention K/V.

    `input_ids/attention_mask [batch, enc_seq]`, `image_queries [batch, n_image_tok, d_qformer]` ->
    `encoder_hidden [batch, enc_seq, d_model]`, then `cross_{l}_k`, `cross_{l}_v [batch, n_heads, enc_seq, d_head]`
    for each decoder layer, flattened in that order.
    """

    def __init__(self, model: InstructBlipForConditionalGeneration, image_token_id: int) -> None:
        super().__init__()
        lm = model.language_model
        self.image_token_id = image_token_id
        self.projection = model.language_projection
        self.embed = lm.get_input_embeddings()
        self.blocks = lm.encoder.block
        self.final_norm = lm.encoder.final_layer_norm
        self.cross = nn.ModuleList(block.layer[1].EncDecAttention for block in lm.decoder.block)

    def forward(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor, image_queries: torch.Tensor
    ) -> tuple[torch.Tensor, ...]:
        projected = self.projection(image_queries)  # [batch, n_image_tok, d_model]
        text = self.embed(input_ids)  # [batch, enc_seq, d_model]
        is_image = input_ids == self.image_token_id  # [batch, enc_seq]
        # The k-th placeholder of a row takes row k of that row's projected queries (HF masked_scatter, per row).
        slot = torch.cumsum(is_image.to(torch.int64), dim=1) - 1
        last_slot = torch.ones_like(image_queries[:, :, 0], dtype=torch.int64).sum(dim=1, keepdim=True) - 1
        slot = torch.minimum(slot.clamp(min=0), last_slot)
        gathered = torch.gather(projected, 1, slot[:, :, None].expand(-1, -1, projected.shape[-1]))
        hidden = torch.where(is_image[:, :, None], gathered, text)

        pos = _positions(input_ids[0])
        first = self.blocks[0].layer[0].SelfAttention
        position_bias = _relative_bias(first, pos, pos)  # [1, n_heads, enc_seq, enc_seq], shared by all layers
        mask = _additive_mask(attention_mask)
        for block in self.blocks:
            hidden = block(hidden, attention_mask=mask, position_bias=position_bias)[0]
        hidden = self.final_norm(hidden)

        cross_kv: list[torch.Tensor] = []
        for attn in self.cross:
            cross_kv.append(_split_heads(attn, attn.k(hidden)))
            cross_kv.append(_split_heads(attn, attn.v(hidden)))
        return (hidden, *cross_kv)


class GenDecoderGraph(nn.Module):
    """One T5 decoder step with a self-attention cache and precomputed cross-attention K/V.

    Inputs, in order: `input_ids [batch, 1]`, `encoder_attention_mask [batch, enc_seq]`, then `cross_{l}_k`,
    `cross_{l}_v` for each layer, then `past_{l}_k`, `past_{l}_v [batch, n_heads, past, d_head]` for each layer.
    Outputs: `logits [batch, vocab]`, then `present_{l}_k`, `present_{l}_v [batch, n_heads, past + 1, d_head]`.
    The new token's position is the past length, so the relative bias matches HF's `past_seen_tokens`.
    """

    def __init__(self, model: InstructBlipForConditionalGeneration) -> None:
        super().__init__()
        lm = model.language_model
        self.embed = lm.get_input_embeddings()
        self.blocks = lm.decoder.block
        self.final_norm = lm.decoder.final_layer_norm
        self.lm_head = lm.lm_head
        # T5 v1.0 scales the decoder output before the tied head; T5 v1.1 / Flan-T5 do not.
        self.output_scale = lm.config.d_model**-0.5 if lm.config.scale_decoder_outputs else 1.0

    def forward(
        self, input_ids: torch.Tensor, encoder_attention_mask: torch.Tensor, *caches: torch.Tensor
    ) -> tuple[torch.Tensor, ...]:
        n_layers = len(self.blocks)
        cross, past = caches[: 2 * n_layers], caches[2 * n_layers :]
        hidden = self.embed(input_ids)  # [batch, 1, d_model]
        cross_mask = _additive_mask(encoder_attention_mask)  # [batch, 1, 1, enc_seq]

        # Key positions 0…past and the query position past, from data: the past may be empty.
        key_pos = _positions(torch.cat([past[0][0, 0, :, 0], hidden[0, :, 0]]))  # [past + 1]
        first = self.blocks[0].layer[0].SelfAttention
        position_bias = _relative_bias(first, key_pos[-1:], key_pos)  # [1, n_heads, 1, past + 1]

        presents: list[torch.Tensor] = []
        for i, block in enumerate(self.blocks):
            self_attn = block.layer[0].SelfAttention
            normed = block.layer[0].layer_norm(hidden)
            k = torch.cat([past[2 * i], _split_heads(self_attn, self_attn.k(normed))], dim=2)
            v = torch.cat([past[2 * i + 1], _split_heads(self_attn, self_attn.v(normed))], dim=2)
            presents += [k, v]
            hidden = hidden + _attend(self_attn, _split_heads(self_attn, self_attn.q(normed)), k, v, position_bias)

            cross_attn = block.layer[1].EncDecAttention
            normed = block.layer[1].layer_norm(hidden)
            q = _split_heads(cross_attn, cross_attn.q(normed))
            hidden = hidden + _attend(cross_attn, q, cross[2 * i], cross[2 * i + 1], cross_mask)
            hidden = block.layer[-1](hidden)

        hidden = self.final_norm(hidden) * self.output_scale
        logits = self.lm_head(hidden)[:, -1, :]  # [batch, vocab]
        return (logits, *presents)
