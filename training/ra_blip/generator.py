"""Encoder-decoder generator (the FlanT5 of RA-BLIP, scaled down): pre-LN, learned positions, GELU, tied LM head.

The encoder reads the prompt of `prompt.py`; each `image_token_id` position is replaced, in order, by the next row of
`image_projection(image_queries)` (InstructBLIP's `language_projection`, RA-BLIP's `t5_proj`). The decoder runs
either all positions at once (training, `decode_full`) or one token with a self-attention KV cache and cross K/V
computed once by the encoder (`decode_step`, what `gen_decoder` exports).

With `copy_head` the decoder is a pointer-generator (See et al., 2017): a gate mixes the vocabulary distribution with
an attention over the prompt's tokens, scattered onto their ids, so the model can answer with entity names it never
saw as targets. Its outputs are then log-probabilities; log-softmax leaves them unchanged, so greedy and beam search
treat them as logits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import torch
import torch.nn.functional as F
from torch import nn

from .attention import KeyValue, MultiHeadAttention, causal_bias, padding_bias
from .bert_layer import BertLayer
from .config import GeneratorConfig, QFormerConfig
from .feed_forward import Mlp

SCORE_HIDDEN = 64  # width of the retrieval-score MLP


@dataclass
class EncoderOutput:
    """`hidden [batch, enc_seq, d_model]`, one cross K/V `[batch, n_heads, enc_seq, d_head]` per decoder layer, and
    the prompt ids `[batch, enc_seq]` a copy head scatters onto."""

    hidden: torch.Tensor
    cross: list[KeyValue]
    prompt_ids: torch.Tensor


@dataclass
class DecoderLayerOutput:
    """`hidden [batch, seq, d_model]` and the layer's self-attention K/V over past + seq positions."""

    hidden: torch.Tensor
    kv: KeyValue


@dataclass
class DecodeStep:
    """`logits [batch, vocab]` of the new position; `present`: self-attention K/V `[batch, n_heads, past + 1, d_head]`
    per decoder layer."""

    logits: torch.Tensor
    present: list[KeyValue]


class EncoderLayer(nn.Module):
    """Pre-LN self-attention + MLP over `[batch, enc_seq, d_model]`."""

    def __init__(self, config: GeneratorConfig) -> None:
        super().__init__()
        d, eps = config.d_model, config.layer_norm_eps
        self.attn_norm = nn.LayerNorm(d, eps=eps)
        self.attn = MultiHeadAttention(d, d, config.n_heads)
        self.mlp_norm = nn.LayerNorm(d, eps=eps)
        self.mlp = Mlp(d, config.d_ff)
        self.dropout = nn.Dropout(config.dropout)  # training only

    def forward(self, x: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        x = x + self.dropout(self.attn(self.attn_norm(x), bias=bias))
        return x + self.dropout(self.mlp(self.mlp_norm(x)))


class DecoderLayer(nn.Module):
    """Pre-LN causal self-attention, cross-attention to the encoder, MLP; `[batch, seq, d_model]` in and out."""

    def __init__(self, config: GeneratorConfig) -> None:
        super().__init__()
        d, eps = config.d_model, config.layer_norm_eps
        self.self_attn_norm = nn.LayerNorm(d, eps=eps)
        self.self_attn = MultiHeadAttention(d, d, config.n_heads)
        self.cross_attn_norm = nn.LayerNorm(d, eps=eps)
        self.cross_attn = MultiHeadAttention(d, d, config.n_heads)
        self.mlp_norm = nn.LayerNorm(d, eps=eps)
        self.mlp = Mlp(d, config.d_ff)
        self.dropout = nn.Dropout(config.dropout)  # training only

    def forward(
        self,
        x: torch.Tensor,
        past: KeyValue | None,
        self_bias: torch.Tensor | None,
        cross: KeyValue,
        cross_bias: torch.Tensor,
    ) -> DecoderLayerOutput:
        """`x [batch, seq, d_model]` after `past` (K/V `[batch, n_heads, past, d_head]`, None in training)."""
        normed = self.self_attn_norm(x)
        kv = self.self_attn.project_kv(normed)  # [batch, n_heads, seq, d_head]
        if past is not None:
            kv = KeyValue(key=torch.cat([past.key, kv.key], dim=2), value=torch.cat([past.value, kv.value], dim=2))
        x = x + self.dropout(self.self_attn.attend(normed, kv, self_bias))
        x = x + self.dropout(self.cross_attn.attend(self.cross_attn_norm(x), cross, cross_bias))
        return DecoderLayerOutput(hidden=x + self.dropout(self.mlp(self.mlp_norm(x))), kv=kv)


class Generator(nn.Module):
    """Prompt ids + image queries -> encoder states; decoder ids -> next-token logits over the shared vocabulary."""

    def __init__(self, config: GeneratorConfig, qformer: QFormerConfig) -> None:
        super().__init__()
        self.config = config
        d, d_qformer = config.d_model, qformer.d_qformer
        # The width the prompt is embedded at: the Q-Former's with a pretrained text encoder, else d_model.
        d_prompt = d_qformer if config.text_encoder_layers > 0 else d
        self.token_embedding = nn.Embedding(config.vocab_size, d)
        self.image_projection = nn.Linear(d_qformer, d_prompt)
        if config.text_encoder_layers > 0:
            self.text_layers = nn.ModuleList(
                BertLayer(d_qformer, qformer.n_heads, qformer.d_ff, qformer.layer_norm_eps, config.dropout)
                for _ in range(config.text_encoder_layers)
            )
            self.text_projection = nn.Linear(d_qformer, d)
        else:
            self.encoder_positions = nn.Embedding(config.max_positions, d)
        if config.question_end_id is not None:
            self.overlap_embedding = nn.Embedding(2, d_prompt)
        if config.reference_start_id is not None:
            self.match_embedding = nn.Embedding(config.max_reference_match + 1, d_prompt)
        if config.reference_scores:
            self.score_mlp = Mlp(1, SCORE_HIDDEN, d_out=d_prompt)
        self.decoder_positions = nn.Embedding(config.max_positions, d)
        self.dropout = nn.Dropout(config.dropout)  # on the encoder's and decoder's inputs; training only
        self.encoder_layers = nn.ModuleList(EncoderLayer(config) for _ in range(config.n_encoder_layers))
        self.encoder_norm = nn.LayerNorm(d, eps=config.layer_norm_eps)
        self.decoder_layers = nn.ModuleList(DecoderLayer(config) for _ in range(config.n_decoder_layers))
        self.decoder_norm = nn.LayerNorm(d, eps=config.layer_norm_eps)
        self.lm_bias = nn.Parameter(torch.zeros(config.vocab_size))
        if config.copy_head:
            # Copy scores read the last decoder layer's cross-attention keys, so gen_encoder's outputs stay as they are.
            self.copy_query = nn.Linear(d, d)
            self.copy_gate = nn.Linear(d, 1)

    def embed_prompt(
        self, input_ids: torch.Tensor, image_queries: torch.Tensor, token_states: torch.Tensor
    ) -> torch.Tensor:
        """`input_ids [batch, enc_seq]`, `image_queries [batch, n_image_tok, d_qformer]`, `token_states [batch,
        enc_seq, d_prompt]` (the tokens' embeddings) -> `[batch, enc_seq, d_prompt]`.

        The k-th image token of a row takes row k of its projected image queries.
        """
        projected = self.image_projection(image_queries)  # [batch, n_image_tok, d_prompt]
        is_image = input_ids == self.config.image_token_id  # [batch, enc_seq]
        # Running count of image tokens = row of `projected`; 0 (unused) elsewhere. More image tokens than rows
        # is a caller error, and gather raises on it.
        slot = torch.where(is_image, torch.cumsum(is_image.to(torch.int64), dim=1) - 1, 0)
        gathered = torch.gather(projected, 1, slot[:, :, None].expand(-1, -1, projected.shape[2]))
        return torch.where(is_image[:, :, None], gathered, token_states)

    def encode(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor,
        image_queries: torch.Tensor,
        text_embeddings: torch.Tensor | None = None,
        reference_scores: torch.Tensor | None = None,
    ) -> EncoderOutput:
        """Encoder over the prompt; also projects each decoder layer's cross-attention K/V once.

        `text_embeddings [batch, enc_seq, d_qformer]` (the Q-Former's embeddings of `input_ids`, or its text-branch
        states with `text_encoder_above_qformer`) is required with
        `text_encoder_layers`; `reference_scores [batch, n_ref]` (retrieval score of each prompt reference, in prompt
        order; padding past a row's references is never read) with `reference_scores`."""
        pretrained = self.config.text_encoder_layers > 0
        if pretrained:
            if text_embeddings is None:
                raise ValueError("a generator with text_encoder_layers needs the Q-Former's text embeddings")
            x = self.embed_prompt(input_ids, image_queries, text_embeddings)
        else:
            positions = torch.arange(input_ids.shape[1], device=input_ids.device)
            x = self.embed_prompt(input_ids, image_queries, self.token_embedding(input_ids))
            x = x + self.encoder_positions(positions)[None]
        segment = self.reference_segments(input_ids) if self.config.reference_start_id is not None else None
        if self.config.question_end_id is not None:
            overlap = self.question_overlap(input_ids, attention_mask)
            x = x + self.overlap_embedding(overlap)
            if segment is not None:
                x = x + self.match_embedding(self.reference_match(segment, overlap))
        if self.config.reference_scores and segment is not None:
            if reference_scores is None:
                raise ValueError("a generator with reference_scores needs the references' retrieval scores")
            x = x + self.score_features(segment, reference_scores)
        bias = padding_bias(attention_mask)  # [batch, 1, 1, enc_seq]
        x = self.dropout(x)
        if pretrained:
            for text_layer in self.text_layers:
                x = text_layer(x, bias)
            x = self.text_projection(x)  # [batch, enc_seq, d_model]
        for layer in self.encoder_layers:
            x = layer(x, bias)
        hidden = self.encoder_norm(x)  # [batch, enc_seq, d_model]
        return EncoderOutput(
            hidden=hidden,
            cross=[layer.cross_attn.project_kv(hidden) for layer in self.decoder_stack()],
            prompt_ids=input_ids,
        )

    def question_overlap(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """`[batch, enc_seq]` int64: 1 where a token after the question has an id that occurs in the question."""
        after_question = torch.cumsum((input_ids == self.config.question_end_id).to(torch.int64), dim=1) > 0
        in_question = ~after_question & (attention_mask > 0) & (input_ids != self.config.image_token_id)
        same = input_ids[:, :, None] == input_ids[:, None, :]  # [batch, enc_seq, enc_seq]
        matches = (same & in_question[:, None, :]).to(torch.int64).sum(dim=2) > 0
        return (matches & after_question & (attention_mask > 0)).to(torch.int64)

    def reference_segments(self, input_ids: torch.Tensor) -> torch.Tensor:
        """`[batch, enc_seq]` int64: n for the tokens of reference n (1-based), 0 before the first reference."""
        after_question = torch.cumsum((input_ids == self.config.question_end_id).to(torch.int64), dim=1) > 0
        starts = (input_ids == self.config.reference_start_id) & after_question
        return torch.cumsum(starts.to(torch.int64), dim=1) * after_question.to(torch.int64)

    def score_features(self, segment: torch.Tensor, reference_scores: torch.Tensor) -> torch.Tensor:
        """`[batch, enc_seq, d_prompt]`: for each token of reference n, `score_mlp(s_n - max_m s_m)` over this
        prompt's references; zero elsewhere. Only the gap to the best, which does not depend on how high a question's
        scores run (higher for training wordings than for new ones); a 500-step trial that also read the score itself
        did no better (docs/model-card.md)."""
        in_reference = segment > 0  # segment: `reference_segments`, [batch, enc_seq]
        slot = torch.clamp(segment - 1, min=0).clamp(max=reference_scores.shape[1] - 1)
        score = torch.gather(reference_scores.to(torch.float32), 1, slot)  # [batch, enc_seq]
        # The best score among the references the prompt holds: padding slots are never gathered.
        best = torch.where(in_reference, score, torch.full_like(score, -1e4)).amax(dim=1, keepdim=True)
        features = (score - best)[:, :, None]  # [batch, enc_seq, 1]
        return self.score_mlp(features) * in_reference[:, :, None].to(features.dtype)

    def reference_match(self, segment: torch.Tensor, overlap: torch.Tensor) -> torch.Tensor:
        """`[batch, enc_seq]` int64: for each token of reference n (`segment`, from `reference_segments`), how many
        tokens of reference n are question words (`overlap`), capped at `max_reference_match`; 0 in the question."""
        same = segment[:, :, None] == segment[:, None, :]  # [batch, enc_seq, enc_seq]
        count = (same & (overlap[:, None, :] > 0)).to(torch.int64).sum(dim=2)
        count = torch.clamp(count, max=self.config.max_reference_match)
        return torch.where(segment > 0, count, torch.zeros_like(count))

    def decode_step(
        self,
        input_ids: torch.Tensor,
        encoder_attention_mask: torch.Tensor,
        cross: list[KeyValue],
        past: list[KeyValue],
        prompt_ids: torch.Tensor | None = None,
    ) -> DecodeStep:
        """One new token per row: `input_ids [batch, 1]`; its position is the past length. `prompt_ids
        [batch, enc_seq]` (the encoder's input ids) is required with `copy_head`."""
        past_length = past[0].key.shape[2]
        positions = torch.arange(past_length, past_length + 1, device=input_ids.device)
        x = self.token_embedding(input_ids) + self.decoder_positions(positions)[None]  # [batch, 1, d_model]
        cross_bias = padding_bias(encoder_attention_mask)
        present: list[KeyValue] = []
        for layer, layer_past, layer_cross in zip(self.decoder_layers, past, cross, strict=True):
            out = layer(x, layer_past, None, layer_cross, cross_bias)
            x = out.hidden
            present.append(out.kv)
        hidden = self.decoder_norm(x)  # [batch, 1, d_model]
        logits = self.output_scores(hidden, cross[-1], encoder_attention_mask, prompt_ids)
        return DecodeStep(logits=logits[:, 0], present=present)

    def decode_full(
        self,
        decoder_input_ids: torch.Tensor,
        encoder_attention_mask: torch.Tensor,
        cross: list[KeyValue],
        prompt_ids: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """Teacher-forced decoder: `decoder_input_ids [batch, seq]` -> `logits [batch, seq, vocab]`."""
        seq = decoder_input_ids.shape[1]
        positions = torch.arange(seq, device=decoder_input_ids.device)
        x = self.token_embedding(decoder_input_ids) + self.decoder_positions(positions)[None]
        x = self.dropout(x)
        self_bias = causal_bias(seq, decoder_input_ids.device)
        cross_bias = padding_bias(encoder_attention_mask)
        for layer, layer_cross in zip(self.decoder_layers, cross, strict=True):
            x = layer(x, None, self_bias, layer_cross, cross_bias).hidden
        return self.output_scores(self.decoder_norm(x), cross[-1], encoder_attention_mask, prompt_ids)

    def output_scores(
        self,
        hidden: torch.Tensor,
        last_cross: KeyValue,
        encoder_attention_mask: torch.Tensor,
        prompt_ids: torch.Tensor | None,
    ) -> torch.Tensor:
        """`hidden [batch, seq, d_model]` (normed) -> `[batch, seq, vocab]`: LM logits, or with `copy_head` the
        log of `gate * softmax(lm) + (1 - gate) * copy`, where copy scatters an attention over the prompt onto ids."""
        batch, seq, d_model = hidden.shape
        # 2-D into the LM head, so the exporter reuses the embedding initializer (see `lm_logits`).
        logits = self.lm_logits(hidden.reshape(batch * seq, d_model)).reshape(batch, seq, -1)
        if not self.config.copy_head:
            return logits
        if prompt_ids is None:
            raise ValueError("a copy_head generator needs the prompt ids")
        enc_seq = last_cross.key.shape[2]
        keys = last_cross.key.transpose(1, 2).reshape(batch, enc_seq, d_model)  # [batch, enc_seq, d_model]
        scores = self.copy_query(hidden) @ keys.transpose(1, 2) * d_model**-0.5  # [batch, seq, enc_seq]
        # Image placeholders and padding are not words to copy.
        copyable = (encoder_attention_mask > 0) & (prompt_ids != self.config.image_token_id)  # [batch, enc_seq]
        scores = scores.masked_fill(~copyable[:, None, :], torch.finfo(scores.dtype).min)
        attention = torch.softmax(scores, dim=-1)
        index = prompt_ids[:, None, :].expand(-1, seq, -1)  # [batch, seq, enc_seq]
        copied = torch.zeros_like(logits).scatter_add(2, index, attention)  # [batch, seq, vocab]
        gate = torch.sigmoid(self.copy_gate(hidden))  # [batch, seq, 1]: probability of generating from the vocabulary
        mixed = gate * torch.softmax(logits, dim=-1) + (1.0 - gate) * copied
        return torch.log(mixed.clamp_min(1e-12))

    def lm_logits(self, hidden: torch.Tensor) -> torch.Tensor:
        """`[..., d_model]` -> `[..., vocab]` with the tied embedding (scaled by d_model^-0.5 as T5) plus a bias.

        With the bias and a 2-D input the exporter emits Gemm(transB=1) over the embedding initializer itself; without
        it, a MatMul over a folded transposed copy, and the bundle would store the largest matrix twice.
        """
        return F.linear(hidden * self.config.d_model**-0.5, self.token_embedding.weight, self.lm_bias)

    def text_layer_stack(self) -> list[BertLayer]:
        """The pretrained text encoder's layers, typed; empty without `text_encoder_layers`."""
        layers = getattr(self, "text_layers", None)
        return [cast(BertLayer, layer) for layer in layers] if layers is not None else []

    def decoder_stack(self) -> list[DecoderLayer]:
        """The decoder layers, typed."""
        return [cast(DecoderLayer, layer) for layer in self.decoder_layers]

    def empty_past(self, batch: int, device: torch.device | None = None) -> list[KeyValue]:
        """Zero-length self-attention cache `[batch, n_heads, 0, d_head]` for every decoder layer."""
        shape = (batch, self.config.n_heads, 0, self.config.d_head)
        return [
            KeyValue(key=torch.zeros(shape, device=device), value=torch.zeros(shape, device=device))
            for _ in self.decoder_layers
        ]
