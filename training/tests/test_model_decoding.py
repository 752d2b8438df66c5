"""Greedy and beam search driven by a scripted step function (no weights), as the TypeScript loop is tested."""

from __future__ import annotations

import math

import pytest
import torch

from training.ra_blip import DecodeStep, GenerationConfig, KeyValue, beam_search, greedy_search

EOS, START, VOCAB = 2, 0, 8


class ScriptedDecoder:
    """A step whose next-token probabilities depend on the tokens so far, looked up in `table`.

    The cache carries each row's token history as its values, so beam reordering of the cache is exercised for real.
    """

    def __init__(self, table: dict[tuple[int, ...], list[float]]) -> None:
        self.table = table
        self.past_lengths: list[int] = []

    def __call__(self, input_ids: torch.Tensor, past: list[KeyValue]) -> DecodeStep:
        self.past_lengths.append(past[0].key.shape[2])
        tokens = torch.cat([past[0].value[:, 0, :, 0], input_ids.to(torch.float32)], dim=1)  # [rows, past + 1]
        logits = torch.full((input_ids.shape[0], VOCAB), -30.0)
        for row in range(input_ids.shape[0]):
            probs = self.table.get(tuple(int(t) for t in tokens[row, 1:].tolist()), [0.0] * VOCAB)
            logits[row] = torch.tensor([math.log(p) if p > 0 else -30.0 for p in probs])
        present = tokens[:, None, :, None]  # [rows, 1, past + 1, 1]
        return DecodeStep(logits=logits, present=[KeyValue(key=present, value=present)])


def _empty(rows: int) -> list[KeyValue]:
    empty = torch.zeros(rows, 1, 0, 1)
    return [KeyValue(key=empty, value=empty)]


def _probs(**by_token: float) -> list[float]:
    row = [0.0] * VOCAB
    for token, p in by_token.items():
        row[int(token[1:])] = p
    return row


# After the start token: t3 0.5, t4 0.4 (greedy takes 3). After 3: spread thin; after 4: t5 0.9 -> 4 5 wins overall.
TABLE = {
    (): _probs(t3=0.5, t4=0.4, t2=0.1),
    (3,): _probs(t5=0.3, t6=0.3, t7=0.3, t2=0.1),
    (4,): _probs(t5=0.9, t2=0.1),
    (3, 5): _probs(t2=1.0),
    (3, 6): _probs(t2=1.0),
    (3, 7): _probs(t2=1.0),
    (4, 5): _probs(t2=1.0),
}


def test_greedy_follows_the_argmax_and_stops_at_eos_without_returning_it() -> None:
    step = ScriptedDecoder(TABLE)
    out = greedy_search(step, _empty(1), GenerationConfig(10, EOS, START))
    assert out.sequences == [[3, 5]]


def test_min_new_tokens_masks_eos_and_max_new_tokens_bounds_the_output() -> None:
    step = ScriptedDecoder({(): _probs(t2=0.9, t4=0.1), (4,): _probs(t2=0.9, t6=0.1), (4, 6): _probs(t2=1.0)})
    config = GenerationConfig(max_new_tokens=3, eos_token_id=EOS, decoder_start_token_id=START, min_new_tokens=2)
    assert greedy_search(step, _empty(1), config).sequences == [[4, 6]]
    step = ScriptedDecoder({(): _probs(t4=1.0), (4,): _probs(t4=1.0), (4, 4): _probs(t4=1.0)})
    config = GenerationConfig(max_new_tokens=2, eos_token_id=EOS, decoder_start_token_id=START)
    assert greedy_search(step, _empty(1), config).sequences == [[4, 4]]


def test_beam_search_finds_the_more_probable_sequence_greedy_misses() -> None:
    step = ScriptedDecoder(TABLE)
    config = GenerationConfig(max_new_tokens=10, eos_token_id=EOS, decoder_start_token_id=START, num_beams=2)
    out = beam_search(step, _empty(2), config)
    assert out.ids == [4, 5]
    assert out.score == pytest.approx(math.log(0.4 * 0.9 * 1.0) / 3)


def test_length_penalty_decides_between_a_short_and_a_longer_hypothesis() -> None:
    # Closing at once: log 0.45 over 1 token. Going on: log(0.55 * 0.7) = log 0.385 over 2 tokens.
    table = {(): _probs(t2=0.45, t4=0.55), (4,): _probs(t2=0.7, t5=0.3)}
    step = ScriptedDecoder(table)
    raw = beam_search(step, _empty(2), GenerationConfig(5, EOS, START, num_beams=2, length_penalty=0.0))
    assert raw.ids == []
    assert raw.score == pytest.approx(math.log(0.45))
    step = ScriptedDecoder(table)
    normalised = beam_search(step, _empty(2), GenerationConfig(5, EOS, START, num_beams=2, length_penalty=1.0))
    assert normalised.ids == [4]
    assert normalised.score == pytest.approx(math.log(0.385) / 2)


def test_beam_search_stops_once_num_beams_hypotheses_are_closed() -> None:
    # Both hypotheses close at step 2; the open beam [4, 5] (which would score higher later) is not pursued.
    table = {(): _probs(t4=0.6, t2=0.4), (4,): _probs(t2=0.5, t5=0.5), (4, 5): _probs(t2=1.0)}
    step = ScriptedDecoder(table)
    config = GenerationConfig(max_new_tokens=5, eos_token_id=EOS, decoder_start_token_id=START, num_beams=2)
    out = beam_search(step, _empty(2), config)
    assert out.ids == [4]
    assert step.past_lengths == [0, 1]


def test_generation_config_rejects_impossible_settings() -> None:
    with pytest.raises(ValueError):
        GenerationConfig(max_new_tokens=0, eos_token_id=EOS, decoder_start_token_id=START)
    with pytest.raises(ValueError):
        GenerationConfig(max_new_tokens=2, eos_token_id=EOS, decoder_start_token_id=START, min_new_tokens=3)
