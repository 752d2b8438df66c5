"""Batched forward passes the stages share: text-branch states, instructed query outputs, padded state batches."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from tokenizers import Tokenizer

from training.ra_blip.model import RaBlip
from training.ra_blip.prompt import encode_qformer_instruction
from training.ra_blip.token_batch import TokenBatch, pad_token_ids


def instruction_batch(tokenizer: Tokenizer, model: RaBlip, instructions: Sequence[str]) -> TokenBatch:
    """Q-Former instructions `[CLS] … [SEP]`, truncated to the model's limit, right-padded."""
    limit = model.config.qformer.max_instruction_tokens
    rows = [encode_qformer_instruction(tokenizer, text, limit) for text in instructions]
    return pad_token_ids(rows, model.config.generator.pad_id)


def query_outputs(
    model: RaBlip, tokenizer: Tokenizer, image_embeds: torch.Tensor, instructions: Sequence[str]
) -> torch.Tensor:
    """`image_embeds [batch, n_patch, d_vit]` + one instruction per row -> `[batch, n_query, d_qformer]`."""
    batch = instruction_batch(tokenizer, model, instructions)
    return model.qformer(image_embeds, batch.input_ids, batch.attention_mask).query


@torch.no_grad()
def text_states(
    model: RaBlip, tokenizer: Tokenizer, texts: Sequence[str], batch_size: int = 64
) -> list[torch.Tensor]:
    """Frozen text-branch states of each text, unpadded: a list of `[seq_i, d_qformer]`."""
    out: list[torch.Tensor] = []
    for start in range(0, len(texts), batch_size):
        batch = instruction_batch(tokenizer, model, texts[start : start + batch_size])
        hidden = model.q_former.encode_text(batch.input_ids, batch.attention_mask)  # [batch, seq, d_qformer]
        lengths = batch.attention_mask.sum(dim=1).tolist()
        out.extend(hidden[i, : int(n)].clone() for i, n in enumerate(lengths))
    return out


def pad_states(states: Sequence[torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
    """Right-pads `[seq_i, d]` states -> `states [batch, seq, d]`, `mask [batch, seq]` (int64, 1 = token)."""
    seq = max(s.shape[0] for s in states)
    d = states[0].shape[1]
    padded = torch.zeros(len(states), seq, d)
    mask = torch.zeros(len(states), seq, dtype=torch.int64)
    for i, s in enumerate(states):
        padded[i, : s.shape[0]] = s
        mask[i, : s.shape[0]] = 1
    return padded, mask


def masked_mean(hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """`hidden [batch, seq, d]`, `mask [batch, seq]` -> `[batch, d]`."""
    weights = mask.to(hidden.dtype)[:, :, None]
    return (hidden * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1.0)


def freeze_text_branch(model: RaBlip) -> None:
    """Keeps MiniLM's embeddings, self-attention and text FFN fixed: only the query path learns (queries,
    cross-attention, query FFN), so the pretrained text space is kept for retrieval."""
    qformer = model.q_former
    for parameter in qformer.embeddings.parameters():
        parameter.requires_grad_(False)
    for layer in qformer.layers:
        for module in (layer.self_attn, layer.self_attn_norm, layer.text_ffn):
            for parameter in module.parameters():
                parameter.requires_grad_(False)


def set_trainable(modules: Sequence[torch.nn.Module], trainable: bool) -> None:
    for module in modules:
        for parameter in module.parameters():
            parameter.requires_grad_(trainable)
