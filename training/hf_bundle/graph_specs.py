"""Graph I/O specs of an `instructblip-t5` bundle, as docs/bundle-format.md names them.

The specs are written into manifest.json, drive the ONNX export (names, dynamic axes) and are checked against
each exported graph and its onnxruntime session, so the three cannot drift apart. `TensorSpec` and `GraphSpec`
are the shared ones of `training/ra_blip/onnx_bundle.py`.
"""

from __future__ import annotations

from dataclasses import dataclass

from training.ra_blip.onnx_bundle import Dim, GraphSpec, TensorSpec


@dataclass(frozen=True)
class BundleDims:
    """The manifest's `dims` for this family (no fusion module, so no `dEmbed`)."""

    n_patch: int
    d_vit: int
    n_query: int
    d_qformer: int
    d_model: int
    vocab: int
    n_decoder_layers: int
    n_heads: int
    d_head: int  # T5's d_kv: n_heads * d_head need not equal d_model

    def to_json(self) -> dict[str, int]:
        return {
            "nPatch": self.n_patch,
            "dVit": self.d_vit,
            "nQuery": self.n_query,
            "dQformer": self.d_qformer,
            "dModel": self.d_model,
            "vocab": self.vocab,
            "nDecoderLayers": self.n_decoder_layers,
            "nHeads": self.n_heads,
            "dHead": self.d_head,
        }


def _kv(prefix: str, dims: BundleDims, length: str) -> tuple[TensorSpec, ...]:
    """`{prefix}_{l}_k`, `{prefix}_{l}_v` `[batch, n_heads, length, d_head]` for every decoder layer, k before v."""
    shape: tuple[Dim, ...] = ("batch", dims.n_heads, length, dims.d_head)
    return tuple(
        TensorSpec(f"{prefix}_{layer}_{kind}", "float32", shape)
        for layer in range(dims.n_decoder_layers)
        for kind in ("k", "v")
    )


def _graph(name: str, inputs: tuple[TensorSpec, ...], outputs: tuple[TensorSpec, ...]) -> GraphSpec:
    return GraphSpec(name=name, file=f"{name}.onnx", inputs=inputs, outputs=outputs)


def build_graph_specs(dims: BundleDims, image_size: int) -> dict[str, GraphSpec]:
    """The four graphs of an `instructblip-t5` bundle, keyed by manifest graph name."""
    image_embeds = TensorSpec("image_embeds", "float32", ("batch", dims.n_patch, dims.d_vit))
    specs = [
        _graph(
            "vision",
            (TensorSpec("pixel_values", "float32", ("batch", 3, image_size, image_size)),),
            (image_embeds,),
        ),
        _graph(
            "qformer",
            (
                image_embeds,
                TensorSpec("input_ids", "int64", ("batch", "seq")),
                TensorSpec("attention_mask", "int64", ("batch", "seq")),
            ),
            (TensorSpec("query_output", "float32", ("batch", dims.n_query, dims.d_qformer)),),
        ),
        _graph(
            "gen_encoder",
            (
                TensorSpec("input_ids", "int64", ("batch", "enc_seq")),
                TensorSpec("attention_mask", "int64", ("batch", "enc_seq")),
                TensorSpec("image_queries", "float32", ("batch", "n_image_tok", dims.d_qformer)),
            ),
            (
                TensorSpec("encoder_hidden", "float32", ("batch", "enc_seq", dims.d_model)),
                *_kv("cross", dims, "enc_seq"),
            ),
        ),
        _graph(
            "gen_decoder",
            (
                TensorSpec("input_ids", "int64", ("batch", 1)),
                TensorSpec("encoder_attention_mask", "int64", ("batch", "enc_seq")),
                *_kv("cross", dims, "enc_seq"),
                *_kv("past", dims, "past"),
            ),
            (TensorSpec("logits", "float32", ("batch", dims.vocab)), *_kv("present", dims, "past_plus_1")),
        ),
    ]
    return {spec.name: spec for spec in specs}
