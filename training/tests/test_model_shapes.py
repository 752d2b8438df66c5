"""RaBlip's methods: shapes at every boundary, and the behaviours the paper's mechanisms promise."""

from __future__ import annotations

import dataclasses

import pytest
import torch

from training.ra_blip import GenerationConfig, RaBlip, RaBlipConfig, beam_search, greedy_search, pad_token_ids


def _scores(ids: torch.Tensor) -> torch.Tensor:
    """Retrieval scores `[batch, 2]` for prompts with at most two references (the tiny generator reads them)."""
    return torch.tensor([[0.75, 0.25]]).expand(ids.shape[0], 2)


def _inputs(model: RaBlip, batch: int = 2) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    size = model.config.vit.image_size
    pixels = torch.rand(batch, 3, size, size, generator=torch.Generator().manual_seed(1)) * 2 - 1
    text = pad_token_ids([[101, 2054, 2003, 2023, 102], [101, 3376, 102]], pad_id=0)
    return pixels, text.input_ids, text.attention_mask


@torch.no_grad()
def test_every_method_returns_the_documented_shapes(tiny_model: RaBlip) -> None:
    cfg = tiny_model.config
    pixels, ids, mask = _inputs(tiny_model)
    image_embeds = tiny_model.encode_image(pixels)
    assert image_embeds.shape == (2, cfg.vit.n_patch, cfg.vit.d_vit)
    out = tiny_model.qformer(image_embeds, ids, mask)
    assert out.query.shape == (2, cfg.qformer.n_query, cfg.qformer.d_qformer)
    assert out.text.shape == (2, ids.shape[1], cfg.qformer.d_qformer)
    for embedding in (tiny_model.embed_text(ids, mask), tiny_model.embed_knowledge(out.query, ids, mask)):
        assert embedding.shape == (2, cfg.fusion.d_embed)
        assert torch.allclose(embedding.norm(dim=-1), torch.ones(2), atol=1e-5)
    encoder = tiny_model.encode_prompt(ids, mask, out.query, _scores(ids))
    gen = cfg.generator
    assert encoder.hidden.shape == (2, ids.shape[1], gen.d_model)
    assert len(encoder.cross) == gen.n_decoder_layers
    assert encoder.cross[0].key.shape == (2, gen.n_heads, ids.shape[1], gen.d_head)
    step = tiny_model.decode_step(ids[:, :1], mask, encoder.cross, tiny_model.empty_past(2), ids)
    assert step.logits.shape == (2, gen.vocab_size)
    assert step.present[0].value.shape == (2, gen.n_heads, 1, gen.d_head)


@torch.no_grad()
def test_the_question_instruction_changes_the_query_outputs(tiny_model: RaBlip) -> None:
    pixels, _, _ = _inputs(tiny_model, batch=1)
    image_embeds = tiny_model.encode_image(pixels)
    first = pad_token_ids([[101, 2054, 3609, 2003, 1996, 5210, 102]], pad_id=0)
    second = pad_token_ids([[101, 2040, 4993, 2023, 102]], pad_id=0)
    a = tiny_model.qformer(image_embeds, first.input_ids, first.attention_mask).query
    b = tiny_model.qformer(image_embeds, second.input_ids, second.attention_mask).query
    assert (a - b).abs().max() > 1e-2
    other_image = tiny_model.encode_image(-pixels)
    c = tiny_model.qformer(other_image, first.input_ids, first.attention_mask).query
    assert (a - c).abs().max() > 1e-2


@torch.no_grad()
def test_padding_does_not_change_embeddings_or_query_outputs(tiny_model: RaBlip) -> None:
    pixels, ids, mask = _inputs(tiny_model)
    alone = pad_token_ids([[101, 3376, 102]], pad_id=0)
    batched = tiny_model.embed_text(ids, mask)[1]
    assert torch.allclose(batched, tiny_model.embed_text(alone.input_ids, alone.attention_mask)[0], atol=1e-5)
    image_embeds = tiny_model.encode_image(pixels)
    padded = tiny_model.qformer(image_embeds, ids, mask).query[1]
    single = tiny_model.qformer(image_embeds[1:], alone.input_ids, alone.attention_mask).query[0]
    assert torch.allclose(padded, single, atol=1e-5)


@torch.no_grad()
def test_image_tokens_take_the_projected_queries_in_order(tiny_model: RaBlip) -> None:
    gen = tiny_model.generator
    image = gen.config.image_token_id
    ids = torch.tensor([[2054, image, image, 2003, image, 102]])
    queries = torch.randn(1, 4, tiny_model.config.qformer.d_qformer)
    tokens = tiny_model.q_former.embeddings(ids, None)  # the tiny config reads prompts with a text encoder
    embedded = gen.embed_prompt(ids, queries, tokens)
    projected = gen.image_projection(queries)[0]
    assert torch.allclose(embedded[0, [1, 2, 4]], projected[:3])
    assert torch.allclose(embedded[0, 3], tokens[0, 3])


@torch.no_grad()
def test_cached_decode_steps_equal_the_full_recompute(tiny_model: RaBlip) -> None:
    _, ids, mask = _inputs(tiny_model)
    queries = torch.randn(2, 4, tiny_model.config.qformer.d_qformer)
    encoder = tiny_model.encode_prompt(ids, mask, queries, _scores(ids))
    decoder_ids = torch.tensor([[101, 2054, 2003, 3376, 1012], [101, 7592, 2088, 999, 102]])
    full = tiny_model.generator.decode_full(decoder_ids, mask, encoder.cross, ids)  # [2, 5, vocab]
    past = tiny_model.empty_past(2)
    for position in range(decoder_ids.shape[1]):
        step = tiny_model.decode_step(decoder_ids[:, position : position + 1], mask, encoder.cross, past, ids)
        assert torch.allclose(step.logits, full[:, position], atol=1e-5)
        past = step.present


@torch.no_grad()
def test_greedy_equals_beam_search_with_one_beam_and_batching_does_not_change_it(tiny_model: RaBlip) -> None:
    _, ids, mask = _inputs(tiny_model)
    queries = torch.randn(2, 4, tiny_model.config.qformer.d_qformer)
    encoder = tiny_model.encode_prompt(ids, mask, queries, _scores(ids))
    gen = tiny_model.config.generator
    config = GenerationConfig(max_new_tokens=12, eos_token_id=gen.eos_id, decoder_start_token_id=gen.decoder_start_id)
    # A random copy head repeats one prompt word (a flat LM cannot outbid it): generate from the vocabulary only.
    gate_bias = tiny_model.generator.copy_gate.bias
    saved = gate_bias.clone()
    gate_bias.fill_(30.0)
    batched = greedy_search(tiny_model.step_function(encoder, mask, 2), tiny_model.empty_past(2), config)
    assert len(set(batched.sequences[0])) > 1
    for row in range(2):
        single = tiny_model.encode_prompt(
            ids[row : row + 1], mask[row : row + 1], queries[row : row + 1], _scores(ids[row : row + 1])
        )
        step = tiny_model.step_function(single, mask[row : row + 1], 1)
        beam = beam_search(step, tiny_model.empty_past(1), config)
        assert beam.ids == batched.sequences[row]
    gate_bias.copy_(saved)


def test_training_forward_learns_a_target(tiny_model: RaBlip) -> None:
    _, ids, mask = _inputs(tiny_model)
    queries = torch.randn(2, 4, tiny_model.config.qformer.d_qformer)
    targets = torch.tensor([[3160, 1024, 2054, 102], [2748, 102, 0, 0]])
    tiny_model.train()
    optimizer = torch.optim.Adam(tiny_model.generator.parameters(), lr=2e-2)
    first = tiny_model(ids, mask, queries, targets, _scores(ids))
    assert first.logits.shape == (2, 4, tiny_model.config.generator.vocab_size)
    for _ in range(20):
        optimizer.zero_grad()
        loss = tiny_model(ids, mask, queries, targets, _scores(ids)).loss
        loss.backward()
        optimizer.step()
    assert loss.item() < 0.5 * first.loss.item()


@torch.no_grad()
def test_dropout_acts_in_training_only(tiny_config: RaBlipConfig, tiny_model: RaBlip) -> None:
    """With `generator.dropout` the training forward is noisy; in eval mode (what export traces) the model computes
    exactly what the same weights without dropout compute."""
    config = dataclasses.replace(tiny_config, generator=dataclasses.replace(tiny_config.generator, dropout=0.3))
    dropped = RaBlip(config)
    dropped.load_state_dict(tiny_model.state_dict())
    _, ids, mask = _inputs(tiny_model)
    queries = torch.randn(2, 4, tiny_config.qformer.d_qformer)
    targets = torch.tensor([[3160, 1024, 2054, 102], [2748, 102, 0, 0]])
    dropped.eval()
    plain = tiny_model(ids, mask, queries, targets, _scores(ids)).logits
    assert torch.equal(dropped(ids, mask, queries, targets, _scores(ids)).logits, plain)
    dropped.train()
    first = dropped(ids, mask, queries, targets, _scores(ids)).logits
    second = dropped(ids, mask, queries, targets, _scores(ids)).logits
    assert not torch.allclose(first, second) and not torch.allclose(first, plain)


@torch.no_grad()
def test_the_copy_head_gives_a_distribution_that_reaches_prompt_tokens(tiny_model: RaBlip) -> None:
    """Log-probabilities sum to one, and with the gate closed all mass sits on copyable prompt tokens."""
    _, ids, mask = _inputs(tiny_model)
    gen = tiny_model.config.generator
    assert gen.copy_head
    ids = ids.clone()
    ids[:, 1] = gen.image_token_id
    encoder = tiny_model.encode_prompt(ids, mask, torch.randn(2, 4, tiny_model.config.qformer.d_qformer), _scores(ids))
    start = torch.full((2, 1), gen.decoder_start_id)
    step = tiny_model.decode_step(start, mask, encoder.cross, tiny_model.empty_past(2), ids)
    assert torch.allclose(step.logits.exp().sum(dim=-1), torch.ones(2), atol=1e-4)
    gate_bias = tiny_model.generator.copy_gate.bias
    saved = gate_bias.clone()
    gate_bias.fill_(-1e4)  # gate -> 0: copy only
    copied = tiny_model.decode_step(start, mask, encoder.cross, tiny_model.empty_past(2), ids).logits.exp()
    gate_bias.copy_(saved)
    for row in range(2):
        allowed = {int(t) for t, m in zip(ids[row], mask[row], strict=True) if m and t != gen.image_token_id}
        on_prompt = sum(float(copied[row, t]) for t in allowed)
        assert on_prompt > 0.999
        assert float(copied[row, gen.image_token_id]) < 1e-6


def test_the_overlap_feature_marks_reference_tokens_that_occur_in_the_question(tiny_model: RaBlip) -> None:
    gen = tiny_model.config.generator
    assert gen.question_end_id is not None
    # question: capital of aruba  references: [1] text: the capital of aruba is oranjestad (+ padding)
    q, refs = [6178, 1997, 27467], [gen.question_end_id, 1031, 1015, 1033, 1996, 6178, 1997, 27467, 2003, 17338]
    ids = torch.tensor([q + refs + [0, 0]])
    mask = torch.tensor([[1] * (len(q) + len(refs)) + [0, 0]])
    overlap = tiny_model.generator.question_overlap(ids, mask)[0].tolist()
    assert overlap == [0, 0, 0] + [0, 0, 0, 0, 0, 1, 1, 1, 0, 0] + [0, 0]


def test_the_reference_match_feature_counts_question_words_per_reference(tiny_model: RaBlip) -> None:
    gen = tiny_model.config.generator
    assert gen.reference_start_id is not None and gen.question_end_id is not None
    start, end = gen.reference_start_id, gen.question_end_id
    # question: capital of aruba  references: [1] the capital of aruba [2] the currency of peru
    q = [6178, 1997, 27467]
    first, second = [start, 1015, 1033, 1996, 6178, 1997, 27467], [start, 1016, 1033, 1996, 9598, 1997, 7304]
    ids = torch.tensor([q + [end, 1024] + first + second])
    mask = torch.ones_like(ids)
    overlap = tiny_model.generator.question_overlap(ids, mask)
    match = tiny_model.generator.reference_match(tiny_model.generator.reference_segments(ids), overlap)[0].tolist()
    assert match == [0, 0, 0] + [0, 0] + [3] * 7 + [1] * 7


@torch.no_grad()
def test_retrieval_scores_reach_their_references_tokens_and_padding_slots_are_never_read(tiny_model: RaBlip) -> None:
    gen = tiny_model.config.generator
    assert gen.reference_scores and gen.question_end_id is not None and gen.reference_start_id is not None
    header, marker = gen.question_end_id, gen.reference_start_id
    # question tokens, the references header, then two references opened by the "[" marker
    ids = torch.tensor([[2054, 2003, header, marker, 1015, 3376, marker, 1016, 7592]])
    segments = tiny_model.generator.reference_segments(ids)
    features = tiny_model.generator.score_features(segments, torch.tensor([[0.9, 0.1, 0.0]]))  # [1, seq, d_prompt]
    assert torch.all(features[0, :3] == 0)  # the question and the header carry no score
    assert torch.allclose(features[0, 3], features[0, 5]) and not torch.allclose(features[0, 3], features[0, 6])
    padded = tiny_model.generator.score_features(segments, torch.tensor([[0.9, 0.1, 0.7]]))
    assert torch.equal(features, padded)  # a third slot the prompt does not number is never read
    lowered = tiny_model.generator.score_features(segments, torch.tensor([[0.5, 0.1, 0.0]]))
    assert not torch.allclose(features[0, 6], lowered[0, 6])  # the gap to the best score moves reference 2 too


def test_colour_tokens_carry_each_colours_share_of_the_pixels(tiny_model: RaBlip) -> None:
    colours = tiny_model.vit.colours
    assert colours is not None, "tiny.json turns colour tokens on, so the parity bundle covers them"
    size = tiny_model.config.vit.image_size
    pixels = torch.full((2, 3, size, size), -1.0)  # black, normalised
    pixels[0, 0] = 1.0  # red
    pixels[1, :, : size // 4] = 1.0  # a white quarter on black
    shares = colours.shares(pixels)
    centres = colours.centres
    assert torch.allclose(shares.sum(-1), torch.ones(2))
    assert centres[shares[0].argmax()].tolist() == [1.0, 0.0, 0.0]
    white, black = centres.tolist().index([1.0, 1.0, 1.0]), centres.tolist().index([0.0, 0.0, 0.0])
    assert shares[1, white].item() == pytest.approx(0.25, abs=1e-4)
    assert shares[1, black].item() == pytest.approx(0.75, abs=1e-4)
    embeds = tiny_model.encode_image(pixels)
    n_bins = tiny_model.config.vit.n_colour_bins
    assert embeds.shape == (2, tiny_model.config.vit.n_patch, tiny_model.config.vit.d_vit)
    # The colour tokens (the last n_bins) differ between the images only in the bins whose shares differ.
    differs = (embeds[0, -n_bins:] - embeds[1, -n_bins:]).abs().amax(-1) > 1e-5
    assert differs.tolist() == ((shares[0] - shares[1]).abs() > 1e-5).tolist()
