"""Parity fixture: PyTorch eager values of every graph and of decoding on fixed inputs, for the TypeScript runtime's
tests (`build/parity/ra-blip-tiny/fixture.json`, written by `training/tests/test_export_parity.py`).

Tensors are `{"shape": [...], "data": [...]}` with row-major float32 values. Texts mix case and punctuation and
include words that split into several wordpieces, and one instruction runs past the Q-Former's token limit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import torch
from tokenizers import Tokenizer

from .decoding import GenerationConfig, beam_search, greedy_search
from .model import RaBlip
from .prompt import (
    ImageReference,
    PromptSpecialIds,
    Reference,
    TextReference,
    build_prompt,
    build_qformer_instruction,
    encode_qformer_instruction,
)
from .token_batch import TokenBatch, pad_token_ids

FAMILY = "ra-blip"
MAX_NEW_TOKENS = 16
NUM_BEAMS = 3
LENGTH_PENALTY = 1.0

QUESTION = "What's the CAPITAL of Kyrgyzstan, and its flag's colour?"
CAPTIONS = ("A red Flag with a yellow sun: forty rays!", "Pneumonoultramicroscopic dust-storms over Tokyo (Japan).")
TEXT_KNOWLEDGE = "Kyrgyzstan's capital is Bishkek; population ~1.1 million (2021)."
LONG_CAPTION = " ".join(["Extraordinarily", "Unbelievable", "photosynthesis,", "ZEBRAS"] * 12)


@dataclass(frozen=True)
class FixtureReference:
    """A prompt reference of the fixture: `image_index` picks a row of `pixel_values` for image references; `score`
    is its retrieval score (read by a generator with `reference_scores`)."""

    id: str
    reference: Reference
    image_index: int | None
    score: float

    def to_json(self) -> dict[str, Any]:
        if isinstance(self.reference, ImageReference):
            return {
                "id": self.id,
                "kind": "image",
                "image_index": self.image_index,
                "caption": self.reference.caption,
                "score": self.score,
            }
        return {"id": self.id, "kind": "text", "text": self.reference.text, "score": self.score}


def tensor_json(tensor: torch.Tensor) -> dict[str, Any]:
    """`{"shape", "data"}` of a tensor, data flattened row-major."""
    return {"shape": list(tensor.shape), "data": tensor.detach().to(torch.float32).flatten().tolist()}


@torch.no_grad()
def build_parity_fixture(model: RaBlip, tokenizer: Tokenizer, seed: int = 0) -> dict[str, Any]:
    """Every graph's output on deterministic inputs, plus three generations (greedy and beam): two references
    (image + text); a question image with two references; no image and no reference (one zero image-query row)."""
    model.eval()
    size = model.config.vit.image_size
    generator = torch.Generator().manual_seed(seed)
    pixel_values = torch.rand(2, 3, size, size, generator=generator) * 2 - 1  # already normalised
    image_embeds = model.encode_image(pixel_values)

    instructions = [build_qformer_instruction(model.config.prompt, QUESTION, CAPTIONS[0]), LONG_CAPTION]
    qformer_batch = _encode_texts(model, tokenizer, instructions)
    query_output = model.qformer(image_embeds, qformer_batch.input_ids, qformer_batch.attention_mask).query

    texts = [QUESTION, TEXT_KNOWLEDGE]
    text_batch = _encode_texts(model, tokenizer, texts)
    caption_batch = _encode_texts(model, tokenizer, list(CAPTIONS))
    caption_queries = model.qformer(image_embeds, caption_batch.input_ids, caption_batch.attention_mask).query

    references = [
        FixtureReference("img-a", ImageReference(CAPTIONS[0]), image_index=0, score=0.8125),
        FixtureReference("txt-b", TextReference(TEXT_KNOWLEDGE), image_index=None, score=0.34375),
    ]
    return {
        "family": FAMILY,
        "pixel_values": tensor_json(pixel_values),
        "image_embeds": tensor_json(image_embeds),
        "qformer": {
            "instructions": instructions,
            **_batch_json(qformer_batch),
            "query_output": tensor_json(query_output),
        },
        "embed_text": {
            "texts": texts,
            **_batch_json(text_batch),
            "embedding": tensor_json(model.embed_text(text_batch.input_ids, text_batch.attention_mask)),
        },
        "embed_knowledge": {
            "captions": list(CAPTIONS),
            **_batch_json(caption_batch),
            "query_output": tensor_json(caption_queries),
            "embedding": tensor_json(
                model.embed_knowledge(caption_queries, caption_batch.input_ids, caption_batch.attention_mask)
            ),
        },
        "generate": _generate_case(model, tokenizer, image_embeds, QUESTION, None, references),
        "generate_question_image": _generate_case(
            model, tokenizer, image_embeds, "Which FLAG is this?", 1, [references[1], references[0]]
        ),
        "generate_no_image": _generate_case(model, tokenizer, image_embeds, "Who painted 'Sunflowers'?", None, []),
    }


def _encode_texts(model: RaBlip, tokenizer: Tokenizer, texts: Sequence[str]) -> TokenBatch:
    limit = model.config.qformer.max_instruction_tokens
    rows = [encode_qformer_instruction(tokenizer, text, limit) for text in texts]
    return pad_token_ids(rows, model.config.generator.pad_id)


def _batch_json(batch: TokenBatch) -> dict[str, Any]:
    return {"input_ids": batch.input_ids.tolist(), "attention_mask": batch.attention_mask.tolist()}


def _generate_case(
    model: RaBlip,
    tokenizer: Tokenizer,
    image_embeds: torch.Tensor,
    question: str,
    question_image_index: int | None,
    references: Sequence[FixtureReference],
) -> dict[str, Any]:
    cfg = model.config
    gen = cfg.generator
    # Image slots in prompt order: the question image, then each image reference.
    slots: list[tuple[int, str]] = []
    if question_image_index is not None:
        slots.append((question_image_index, build_qformer_instruction(cfg.prompt, question, "")))
    for ref in references:
        if isinstance(ref.reference, ImageReference) and ref.image_index is not None:
            slots.append((ref.image_index, build_qformer_instruction(cfg.prompt, question, ref.reference.caption)))
    instruction_ids = [
        encode_qformer_instruction(tokenizer, text, cfg.qformer.max_instruction_tokens) for _, text in slots
    ]
    queries = [
        model.qformer(
            image_embeds[index : index + 1], torch.tensor([ids]), torch.ones(1, len(ids), dtype=torch.int64)
        ).query
        for (index, _), ids in zip(slots, instruction_ids, strict=True)
    ]
    image_queries = model.image_queries(queries)  # [1, n_image_tok, d_qformer]
    special = PromptSpecialIds(gen.image_token_id, gen.eos_id, cfg.qformer.n_query, gen.max_positions)
    prompt = build_prompt(
        tokenizer, cfg.prompt, special, question, question_image_index is not None, [r.reference for r in references]
    )
    prompt_ids = torch.tensor([prompt.input_ids])
    prompt_mask = torch.ones_like(prompt_ids)
    # [1, n_ref]; one unread slot when there is no reference, as the runtime packs it.
    scores = torch.tensor([[r.score for r in references] or [0.0]]) if gen.reference_scores else None
    encoder = model.encode_prompt(prompt_ids, prompt_mask, image_queries, scores)
    start = torch.tensor([[gen.decoder_start_id]])
    first_logits = model.decode_step(start, prompt_mask, encoder.cross, model.empty_past(1), prompt_ids).logits
    greedy_config = GenerationConfig(MAX_NEW_TOKENS, gen.eos_id, gen.decoder_start_id, min_new_tokens=MAX_NEW_TOKENS)
    greedy = greedy_search(model.step_function(encoder, prompt_mask, 1), model.empty_past(1), greedy_config)
    beam_config = GenerationConfig(
        MAX_NEW_TOKENS, gen.eos_id, gen.decoder_start_id, MAX_NEW_TOKENS, NUM_BEAMS, LENGTH_PENALTY
    )
    beam = beam_search(model.step_function(encoder, prompt_mask, NUM_BEAMS), model.empty_past(NUM_BEAMS), beam_config)
    return {
        "question": question,
        "question_image_index": question_image_index,
        "references": [ref.to_json() for ref in references],
        "prompt_ids": prompt.input_ids,
        "qformer_instruction_ids": instruction_ids,
        "image_queries": tensor_json(image_queries),
        "encoder_hidden": tensor_json(encoder.hidden),
        "first_logits": tensor_json(first_logits),
        "max_new_tokens": MAX_NEW_TOKENS,
        "min_new_tokens": MAX_NEW_TOKENS,
        "greedy_ids": greedy.sequences[0],
        "num_beams": NUM_BEAMS,
        "length_penalty": LENGTH_PENALTY,
        "beam_ids": beam.ids,
    }
