"""The six graphs of a `ra-blip` bundle: a flat-tensor wrapper around one `RaBlip` method each, its `GraphSpec`
(names and dims of docs/bundle-format.md) and example inputs to trace with.

Example inputs use distinct sizes per dynamic dim (batch 2, seq 7, past 3, enc_seq n_query + 7, n_image_tok
n_query + 1) so that a traced size is never mistaken for another.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from .attention import KeyValue
from .model import RaBlip
from .onnx_bundle import GraphSpec, TensorSpec

_BATCH, _SEQ, _PAST = 2, 7, 3


@dataclass(frozen=True)
class GraphExport:
    """What `export_graph` needs for one graph."""

    spec: GraphSpec
    module: nn.Module
    example_inputs: tuple[torch.Tensor, ...]


class VisionGraph(nn.Module):
    def __init__(self, model: RaBlip) -> None:
        super().__init__()
        self.model = model

    def forward(self, pixel_values: torch.Tensor) -> torch.Tensor:
        return self.model.encode_image(pixel_values)


class QFormerGraph(nn.Module):
    def __init__(self, model: RaBlip) -> None:
        super().__init__()
        self.model = model

    def forward(
        self, image_embeds: torch.Tensor, input_ids: torch.Tensor, attention_mask: torch.Tensor
    ) -> torch.Tensor:
        return self.model.qformer(image_embeds, input_ids, attention_mask).query


class EmbedTextGraph(nn.Module):
    def __init__(self, model: RaBlip) -> None:
        super().__init__()
        self.model = model

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return self.model.embed_text(input_ids, attention_mask)


class EmbedKnowledgeGraph(nn.Module):
    def __init__(self, model: RaBlip) -> None:
        super().__init__()
        self.model = model

    def forward(
        self, query_output: torch.Tensor, input_ids: torch.Tensor, attention_mask: torch.Tensor
    ) -> torch.Tensor:
        return self.model.embed_knowledge(query_output, input_ids, attention_mask)


class GenEncoderGraph(nn.Module):
    """Inputs `input_ids, attention_mask, image_queries[, reference_scores]` (the last with
    `generator.reference_scores`); outputs `encoder_hidden`, then `cross_{l}_k`, `cross_{l}_v` per decoder layer."""

    def __init__(self, model: RaBlip) -> None:
        super().__init__()
        self.model = model

    def forward(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor,
        image_queries: torch.Tensor,
        reference_scores: torch.Tensor | None = None,
    ) -> tuple[torch.Tensor, ...]:
        encoder = self.model.encode_prompt(input_ids, attention_mask, image_queries, reference_scores)
        return (encoder.hidden, *_flatten(encoder.cross))


class GenDecoderGraph(nn.Module):
    """Inputs `input_ids, encoder_attention_mask, [prompt_ids,] cross_{l}_k/v…, past_{l}_k/v…`; outputs `logits,
    present_{l}_k/v…`. `prompt_ids` exists only for a copy-head generator."""

    def __init__(self, model: RaBlip) -> None:
        super().__init__()
        self.model = model
        self.n_layers = model.config.generator.n_decoder_layers
        self.copy_head = model.config.generator.copy_head

    def forward(
        self, input_ids: torch.Tensor, encoder_attention_mask: torch.Tensor, *tensors: torch.Tensor
    ) -> tuple[torch.Tensor, ...]:
        prompt_ids = tensors[0] if self.copy_head else None
        caches = tensors[1:] if self.copy_head else tensors
        cross = _unflatten(caches[: 2 * self.n_layers])
        past = _unflatten(caches[2 * self.n_layers :])
        step = self.model.decode_step(input_ids, encoder_attention_mask, cross, past, prompt_ids)
        return (step.logits, *_flatten(step.present))


def _flatten(kvs: list[KeyValue]) -> list[torch.Tensor]:
    return [tensor for kv in kvs for tensor in (kv.key, kv.value)]


def _unflatten(tensors: tuple[torch.Tensor, ...]) -> list[KeyValue]:
    return [KeyValue(key=tensors[i], value=tensors[i + 1]) for i in range(0, len(tensors), 2)]


def kv_names(prefix: str, n_layers: int) -> list[str]:
    """`["{prefix}_0_k", "{prefix}_0_v", "{prefix}_1_k", …]`."""
    return [f"{prefix}_{layer}_{kind}" for layer in range(n_layers) for kind in ("k", "v")]


def build_graph_exports(model: RaBlip) -> list[GraphExport]:
    """The six graphs in manifest order, with example inputs."""
    cfg = model.config
    size, n_patch, d_vit = cfg.vit.image_size, cfg.vit.n_patch, cfg.vit.d_vit
    n_query, d_q = cfg.qformer.n_query, cfg.qformer.d_qformer
    gen = cfg.generator
    n_layers, heads, d_head = gen.n_decoder_layers, gen.n_heads, gen.d_head

    def f32(name: str, *shape: int | str) -> TensorSpec:
        return TensorSpec(name, "float32", tuple(shape))

    def i64(name: str, *shape: int | str) -> TensorSpec:
        return TensorSpec(name, "int64", tuple(shape))

    text_in = (i64("input_ids", "batch", "seq"), i64("attention_mask", "batch", "seq"))
    cross = tuple(f32(name, "batch", heads, "enc_seq", d_head) for name in kv_names("cross", n_layers))
    past = tuple(f32(name, "batch", heads, "past", d_head) for name in kv_names("past", n_layers))
    present = tuple(f32(name, "batch", heads, "past_plus_1", d_head) for name in kv_names("present", n_layers))

    rng = torch.Generator().manual_seed(0)  # example inputs must not consume the global RNG

    def randn(*shape: int) -> torch.Tensor:
        return torch.randn(*shape, generator=rng)

    ids = torch.randint(1000, 2000, (_BATCH, _SEQ), generator=rng)
    mask = torch.ones(_BATCH, _SEQ, dtype=torch.int64)
    mask[1, _SEQ - 2 :] = 0
    enc_seq = n_query + 7
    prompt_ids = torch.randint(1000, 2000, (_BATCH, enc_seq), generator=rng)
    prompt_ids[:, 2 : 2 + n_query] = gen.image_token_id
    prompt_mask = torch.ones(_BATCH, enc_seq, dtype=torch.int64)
    prompt_mask[1, enc_seq - 3 :] = 0
    kv_cross = [randn(_BATCH, heads, enc_seq, d_head) for _ in range(2 * n_layers)]
    kv_past = [randn(_BATCH, heads, _PAST, d_head) for _ in range(2 * n_layers)]

    copy_inputs = (i64("prompt_ids", "batch", "enc_seq"),) if gen.copy_head else ()
    copy_examples = (prompt_ids,) if gen.copy_head else ()
    score_inputs = (f32("reference_scores", "batch", "n_ref"),) if gen.reference_scores else ()
    score_examples = (torch.rand(_BATCH, 6, generator=rng),) if gen.reference_scores else ()

    return [
        GraphExport(
            GraphSpec(
                "vision",
                "vision.onnx",
                (f32("pixel_values", "batch", 3, size, size),),
                (f32("image_embeds", "batch", n_patch, d_vit),),
            ),
            VisionGraph(model),
            (randn(_BATCH, 3, size, size),),
        ),
        GraphExport(
            GraphSpec(
                "qformer",
                "qformer.onnx",
                (f32("image_embeds", "batch", n_patch, d_vit), *text_in),
                (f32("query_output", "batch", n_query, d_q),),
            ),
            QFormerGraph(model),
            (randn(_BATCH, n_patch, d_vit), ids, mask),
        ),
        GraphExport(
            GraphSpec("embed_text", "embed_text.onnx", text_in, (f32("embedding", "batch", cfg.fusion.d_embed),)),
            EmbedTextGraph(model),
            (ids, mask),
        ),
        GraphExport(
            GraphSpec(
                "embed_knowledge",
                "embed_knowledge.onnx",
                (f32("query_output", "batch", n_query, d_q), *text_in),
                (f32("embedding", "batch", cfg.fusion.d_embed),),
            ),
            EmbedKnowledgeGraph(model),
            (randn(_BATCH, n_query, d_q), ids, mask),
        ),
        GraphExport(
            GraphSpec(
                "gen_encoder",
                "gen_encoder.onnx",
                (
                    i64("input_ids", "batch", "enc_seq"),
                    i64("attention_mask", "batch", "enc_seq"),
                    f32("image_queries", "batch", "n_image_tok", d_q),
                    *score_inputs,
                ),
                (f32("encoder_hidden", "batch", "enc_seq", gen.d_model), *cross),
            ),
            GenEncoderGraph(model),
            (prompt_ids, prompt_mask, randn(_BATCH, n_query + 1, d_q), *score_examples),
        ),
        GraphExport(
            GraphSpec(
                "gen_decoder",
                "gen_decoder.onnx",
                (
                    i64("input_ids", "batch", 1),
                    i64("encoder_attention_mask", "batch", "enc_seq"),
                    *copy_inputs,
                    *cross,
                    *past,
                ),
                (f32("logits", "batch", gen.vocab_size), *present),
            ),
            GenDecoderGraph(model),
            (
                torch.randint(1000, 2000, (_BATCH, 1), generator=rng),
                prompt_mask,
                *copy_examples,
                *kv_cross,
                *kv_past,
            ),
        ),
    ]
