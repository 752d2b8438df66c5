"""Reference decoding over a narrow step function: greedy and beam search (mirrored by src/core/model/generator.ts).

Works on token ids only. A step maps `input_ids [rows, 1]` and the self-attention cache to `logits [rows, vocab]` and
the grown cache; the graphs never sample. Logits processors and stop conditions are small pure functions composed in
lists, as in the TypeScript loop:

- a logits processor maps `(logits [rows, vocab], generated)` to logits, where `generated` counts the tokens
  produced before this step;
- a stop condition maps `(tokens [rows], generated)` to one boolean per row, `generated` counting `tokens`.

Contract shared with TypeScript: argmax and candidate ranking break ties towards the lower index; returned ids never
contain eos; beam scores are summed log-probabilities divided by `length ** length_penalty`, where `length` counts
the generated tokens including the eos that closed the hypothesis.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch

from .attention import KeyValue
from .generator import DecodeStep

DecoderStepFunction = Callable[[torch.Tensor, list[KeyValue]], DecodeStep]
LogitsProcessor = Callable[[torch.Tensor, int], torch.Tensor]
StopCondition = Callable[[torch.Tensor, int], torch.Tensor]


@dataclass(frozen=True)
class GenerationConfig:
    """The fields the loops read.

    `min_new_tokens` masks eos until that many tokens exist (default 0); `num_beams` 1 is greedy (default 1);
    `length_penalty` is the exponent of the beam length normalisation (default 1.0).
    """

    max_new_tokens: int
    eos_token_id: int
    decoder_start_token_id: int
    min_new_tokens: int = 0
    num_beams: int = 1
    length_penalty: float = 1.0

    def __post_init__(self) -> None:
        if self.max_new_tokens < 1 or self.num_beams < 1:
            raise ValueError("max_new_tokens and num_beams must be >= 1")
        if not 0 <= self.min_new_tokens <= self.max_new_tokens:
            raise ValueError("min_new_tokens must lie in [0, max_new_tokens]")


@dataclass
class GreedyOutput:
    """Generated ids per row, eos excluded."""

    sequences: list[list[int]]


@dataclass
class BeamSearchOutput:
    """The best hypothesis: ids (eos excluded) and its length-normalised score."""

    ids: list[int]
    score: float


def suppress_eos_before(min_new_tokens: int, eos_token_id: int) -> LogitsProcessor:
    """Sets the eos logit to -inf while fewer than `min_new_tokens` tokens have been generated."""

    def process(logits: torch.Tensor, generated: int) -> torch.Tensor:
        if generated >= min_new_tokens:
            return logits
        masked = logits.clone()
        masked[:, eos_token_id] = -torch.inf
        return masked

    return process


def stop_on_eos(eos_token_id: int) -> StopCondition:
    return lambda tokens, generated: tokens == eos_token_id


def stop_at_max_new_tokens(max_new_tokens: int) -> StopCondition:
    return lambda tokens, generated: torch.full_like(tokens, generated >= max_new_tokens, dtype=torch.bool)


def build_logits_processors(config: GenerationConfig) -> list[LogitsProcessor]:
    return [suppress_eos_before(config.min_new_tokens, config.eos_token_id)] if config.min_new_tokens > 0 else []


def build_stop_conditions(config: GenerationConfig) -> list[StopCondition]:
    return [stop_on_eos(config.eos_token_id), stop_at_max_new_tokens(config.max_new_tokens)]


def apply_logits_processors(processors: list[LogitsProcessor], logits: torch.Tensor, generated: int) -> torch.Tensor:
    for process in processors:
        logits = process(logits, generated)
    return logits


def reorder_past(past: list[KeyValue], rows: torch.Tensor) -> list[KeyValue]:
    """Cache rows picked by `rows [new_rows]` (beam reordering)."""
    return [KeyValue(key=kv.key.index_select(0, rows), value=kv.value.index_select(0, rows)) for kv in past]


@torch.no_grad()
def greedy_search(step: DecoderStepFunction, past: list[KeyValue], config: GenerationConfig) -> GreedyOutput:
    """Argmax decoding of every row of `past` (batch rows run in lockstep; a finished row is ignored thereafter)."""
    rows = past[0].key.shape[0]
    processors, stops = build_logits_processors(config), build_stop_conditions(config)
    tokens = torch.full((rows, 1), config.decoder_start_token_id, dtype=torch.int64)
    finished = torch.zeros(rows, dtype=torch.bool)
    sequences: list[list[int]] = [[] for _ in range(rows)]
    for generated in range(config.max_new_tokens):
        out = step(tokens, past)
        past = out.present
        next_tokens = apply_logits_processors(processors, out.logits, generated).argmax(dim=-1)  # [rows]
        for row in range(rows):
            if not finished[row] and int(next_tokens[row]) != config.eos_token_id:
                sequences[row].append(int(next_tokens[row]))
        for stop in stops:
            finished |= stop(next_tokens, generated + 1)
        if bool(finished.all()):
            break
        tokens = next_tokens[:, None]
    return GreedyOutput(sequences=sequences)


@torch.no_grad()
def beam_search(step: DecoderStepFunction, past: list[KeyValue], config: GenerationConfig) -> BeamSearchOutput:
    """Beam search for one prompt; `past` has `num_beams` rows (the prompt repeated).

    All beams start from the decoder start token, beam 0 with score 0 and the others with -inf, so the first step
    expands one beam. Each step ranks the `2 * num_beams` best (beam, token) continuations; an eos continuation closes
    a hypothesis, the others fill the next beams until there are `num_beams`. Search stops once `num_beams`
    hypotheses are closed (early stopping) or at `max_new_tokens`, where the open beams are closed as they stand.
    """
    width = config.num_beams
    if past[0].key.shape[0] != width:
        raise ValueError(f"beam search needs a cache with num_beams={width} rows")
    processors = build_logits_processors(config)
    scores = torch.full((width,), -torch.inf)
    scores[0] = 0.0
    beams: list[list[int]] = [[] for _ in range(width)]
    tokens = torch.full((width, 1), config.decoder_start_token_id, dtype=torch.int64)
    closed: list[BeamSearchOutput] = []
    for generated in range(config.max_new_tokens):
        out = step(tokens, past)
        logprobs = torch.log_softmax(apply_logits_processors(processors, out.logits, generated), dim=-1)
        vocab = logprobs.shape[1]
        candidates = (scores[:, None] + logprobs).flatten()  # [num_beams * vocab]
        order = torch.sort(candidates, descending=True, stable=True).indices[: 2 * width]
        next_beams: list[list[int]] = []
        next_rows: list[int] = []
        next_scores: list[float] = []
        for flat in order.tolist():
            row, token, score = flat // vocab, flat % vocab, float(candidates[flat])
            if token == config.eos_token_id:
                closed.append(BeamSearchOutput(ids=beams[row], score=score / (generated + 1) ** config.length_penalty))
            else:
                next_beams.append(beams[row] + [token])
                next_rows.append(row)
                next_scores.append(score)
            if len(next_beams) == width:
                break
        if len(closed) >= width:
            break
        past = reorder_past(out.present, torch.tensor(next_rows, dtype=torch.int64))
        beams, scores = next_beams, torch.tensor(next_scores)
        tokens = torch.tensor(next_beams, dtype=torch.int64)[:, -1:]
    else:
        for beam, score in zip(beams, scores.tolist(), strict=True):
            closed.append(BeamSearchOutput(ids=beam, score=score / len(beam) ** config.length_penalty))
    return max(closed, key=lambda hypothesis: hypothesis.score)
