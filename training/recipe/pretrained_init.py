"""Pretrained starting points beyond the Q-Former text branch: MiniLM's upper layers for the fusion module, its
first layers for the generator's text encoder, and its word embeddings (reduced by SVD) for the generator's tied
embedding."""

from __future__ import annotations

from safetensors.torch import load_file

import torch

from training.ra_blip.bert_layer import BertLayer
from training.ra_blip.fusion import FusionModule
from training.ra_blip.minilm import minilm_dir
from training.ra_blip.model import RaBlip


@torch.no_grad()
def load_minilm_fusion(fusion: FusionModule, first_layer: int) -> None:
    """Copies MiniLM layers `first_layer…` into the fusion layers and zeroes the type embeddings, so that at the
    start `embed_text` is MiniLM's full encoder (Q-Former layers below, fusion layers above) with mean pooling:
    the pretrained sentence space, before retrieval training adapts it to multimodal knowledge."""
    fusion.type_embeddings.weight.zero_()
    load_minilm_layers(list(fusion.layers), first_layer)


@torch.no_grad()
def load_minilm_layers(layers: list[torch.nn.Module], first_layer: int) -> None:
    """Copies MiniLM layers `first_layer…` into BERT-shaped `layers` (same widths)."""
    weights = load_file(str(minilm_dir() / "model.safetensors"))
    for offset, layer in enumerate(layers):
        if not isinstance(layer, BertLayer):
            raise TypeError(f"layer {offset} is a {type(layer).__name__}, not a BertLayer")
        prefix = f"encoder.layer.{first_layer + offset}."
        if prefix + "attention.self.query.weight" not in weights:
            raise ValueError(f"MiniLM has no layer {first_layer + offset} for layer {offset}")
        attn = layer.self_attn
        pairs = [
            (attn.query, "attention.self.query"),
            (attn.key, "attention.self.key"),
            (attn.value, "attention.self.value"),
            (attn.out, "attention.output.dense"),
            (layer.ffn.dense_in, "intermediate.dense"),
            (layer.ffn.dense_out, "output.dense"),
        ]
        for linear, name in pairs:
            linear.weight.copy_(weights[prefix + name + ".weight"])
            linear.bias.copy_(weights[prefix + name + ".bias"])
        for norm, name in ((layer.self_attn_norm, "attention.output.LayerNorm"), (layer.ffn.norm, "output.LayerNorm")):
            norm.weight.copy_(weights[prefix + name + ".weight"])
            norm.bias.copy_(weights[prefix + name + ".bias"])


@torch.no_grad()
def init_generator_embeddings(model: RaBlip) -> None:
    """Starts the generator's tied token embeddings from MiniLM's word embeddings reduced to d_model by SVD, so rare
    answer words begin with meaningful vectors instead of noise; and a text encoder from MiniLM's first layers (from
    the layers above the Q-Former's text branch when it reads that branch's states)."""
    words = model.q_former.embeddings.word.weight  # [vocab, d_qformer]
    target = model.generator.token_embedding.weight  # [vocab, d_model]
    if words.shape[0] != target.shape[0] or target.shape[1] > words.shape[1]:
        return
    centred = words - words.mean(dim=0, keepdim=True)
    _, _, v = torch.linalg.svd(centred, full_matrices=False)  # v [d_qformer, d_qformer]
    reduced = centred @ v[: target.shape[1]].T  # [vocab, d_model]
    # Unit scale, as T5 initialises its tied embedding: the LM head multiplies by d_model^-0.5.
    target.copy_(reduced / reduced.std())
    text_layers = model.generator.text_layer_stack()
    if text_layers:
        above_qformer = model.config.generator.text_encoder_above_qformer
        first_layer = model.config.qformer.n_layers if above_qformer else 0
        load_minilm_layers(list[torch.nn.Module](text_layers), first_layer)
        # Query outputs are post-LN like the word embeddings beside them: start image tokens at the same scale.
        projection = model.generator.image_projection
        if projection.weight.shape[0] == projection.weight.shape[1]:
            projection.weight.copy_(torch.eye(projection.weight.shape[0]))
            projection.bias.zero_()
    for name in ("overlap_embedding", "match_embedding"):
        feature = getattr(model.generator, name, None)
        if isinstance(feature, torch.nn.Embedding):
            if text_layers:
                # Zero: the pretrained layers start on MiniLM's own inputs and learn how much the feature weighs.
                feature.weight.zero_()
            else:
                # Same scale as the token embeddings, or the feature would start 50x weaker than the words it marks.
                feature.weight.normal_(0.0, 1.0)

