"""The Q-Former text branch is all-MiniLM-L6-v2 once `load_minilm` has run (checked against HF transformers)."""

from __future__ import annotations

from typing import cast

import pytest
import torch
from tokenizers import Tokenizer

from training.ra_blip import RaBlipConfig, load_minilm, minilm_dir, pad_token_ids
from training.ra_blip.qformer import QFormer

SENTENCES = ["A red Flag with a yellow sun!", "Pneumonoultramicroscopic dust over TOKYO, Japan."]


def _mean_pool(states: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    weights = mask[:, :, None].to(states.dtype)
    return (states * weights).sum(1) / weights.sum(1)


@pytest.fixture(scope="module")
def minilm_qformer(demo_config: RaBlipConfig) -> QFormer:
    torch.manual_seed(0)
    qformer = QFormer(demo_config.qformer, d_vit=demo_config.vit.d_vit).eval()
    load_minilm(qformer)
    return qformer


def test_text_branch_reproduces_minilm_sentence_embeddings(
    minilm_qformer: QFormer, tokenizer: Tokenizer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    from transformers import BertModel

    # The Q-Former may use only MiniLM's first layers; compare with the same truncation of the original.
    n_layers = len(minilm_qformer.layers)
    reference = cast(torch.nn.Module, BertModel.from_pretrained(str(minilm_dir()), num_hidden_layers=n_layers)).eval()
    batch = pad_token_ids([tokenizer.encode(s).ids for s in SENTENCES], pad_id=0)
    with torch.no_grad():
        ours = _mean_pool(minilm_qformer.encode_text(batch.input_ids, batch.attention_mask), batch.attention_mask)
        theirs = reference(input_ids=batch.input_ids, attention_mask=batch.attention_mask).last_hidden_state
        theirs = _mean_pool(theirs, batch.attention_mask)
    assert torch.allclose(ours, theirs, atol=1e-4)
    cosine = torch.nn.functional.cosine_similarity(ours[0], ours[1], dim=0)
    assert cosine < 0.9  # different sentences, different embeddings


def test_query_ffn_starts_as_a_copy_of_the_text_ffn(minilm_qformer: QFormer) -> None:
    for layer in minilm_qformer.layer_stack():
        assert torch.equal(layer.query_ffn.dense_in.weight, layer.text_ffn.dense_in.weight)
        assert torch.equal(layer.query_ffn.norm.bias, layer.text_ffn.norm.bias)


def test_loading_into_a_mismatched_qformer_is_refused(tiny_config: RaBlipConfig) -> None:
    with pytest.raises(ValueError, match="hidden_size"):
        load_minilm(QFormer(tiny_config.qformer, d_vit=tiny_config.vit.d_vit))


@torch.no_grad()
def test_the_generator_text_encoder_starts_as_minilm_and_reads_the_qformer_embeddings(demo_config: RaBlipConfig) -> None:
    from safetensors.torch import load_file

    from training.ra_blip import RaBlip
    from training.recipe.pretrained_init import init_generator_embeddings

    assert demo_config.generator.text_encoder_layers > 0
    model = RaBlip(demo_config)
    load_minilm(model.q_former)
    init_generator_embeddings(model)
    weights = load_file(str(minilm_dir() / "model.safetensors"))
    for i, layer in enumerate(model.generator.text_layers):
        assert torch.equal(layer.self_attn.query.weight, weights[f"encoder.layer.{i}.attention.self.query.weight"])
        assert torch.equal(layer.ffn.dense_out.bias, weights[f"encoder.layer.{i}.output.dense.bias"])
    assert torch.equal(model.generator.overlap_embedding.weight, torch.zeros_like(model.generator.overlap_embedding.weight))
    ids = torch.tensor([[2054, 2003, 102]])
    no_references = torch.zeros(1, 1) if demo_config.generator.reference_scores else None
    queries = torch.zeros(1, 1, demo_config.qformer.d_qformer)
    encoded = model.encode_prompt(ids, torch.ones_like(ids), queries, no_references)
    assert encoded.hidden.shape == (1, 3, demo_config.generator.d_model)


@torch.no_grad()
def test_a_text_encoder_above_the_qformer_reads_its_text_branch_and_starts_from_the_minilm_layers_above(
    demo_config: RaBlipConfig,
) -> None:
    from dataclasses import replace

    from safetensors.torch import load_file

    from training.ra_blip import RaBlip
    from training.recipe.pretrained_init import init_generator_embeddings

    above = demo_config.qformer.n_layers
    generator = replace(demo_config.generator, text_encoder_layers=6 - above, text_encoder_above_qformer=True)
    model = RaBlip(replace(demo_config, generator=generator)).eval()
    load_minilm(model.q_former)
    init_generator_embeddings(model)
    weights = load_file(str(minilm_dir() / "model.safetensors"))
    for i, layer in enumerate(model.generator.text_layers):
        key = f"encoder.layer.{above + i}.attention.self.query.weight"
        assert torch.equal(layer.self_attn.query.weight, weights[key])
    ids = torch.tensor([[2054, 2003, 1996, 3007, 102]])
    mask = torch.ones_like(ids)
    queries = torch.zeros(1, 1, demo_config.qformer.d_qformer)
    scores = torch.zeros(1, 1) if generator.reference_scores else None
    states = model.q_former.encode_text(ids, mask)
    direct = model.generator.encode(ids, mask, queries, states, scores).hidden
    assert torch.equal(model.encode_prompt(ids, mask, queries, scores).hidden, direct)
    with pytest.raises(ValueError, match="text_encoder_above_qformer needs"):
        replace(demo_config.generator, text_encoder_layers=0, text_encoder_above_qformer=True)
