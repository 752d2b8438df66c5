"""Text side of RA-BLIP: the generator prompt, the Q-Former instruction and the ASKG target (docs/bundle-format.md).

Pure functions over strings and token ids; the tokenizer comes in as an argument. The TypeScript runtime builds the
same ids from the manifest's `prompt` entry, and the parity fixture checks that it does.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from tokenizers import Tokenizer

from .config import AskgConfig, PromptConfig


@dataclass(frozen=True)
class ImageReference:
    """A retrieved image; its query outputs fill one image slot of the prompt."""

    caption: str


@dataclass(frozen=True)
class TextReference:
    """A retrieved passage, given to the generator as text."""

    text: str


Reference = ImageReference | TextReference


@dataclass(frozen=True)
class PromptTokens:
    """Generator prompt ids (ending with eos) and the number of image slots, in order: question image, then image
    references. Each slot is `n_query` consecutive `image_token_id`s."""

    input_ids: list[int]
    n_image_slots: int


@dataclass(frozen=True)
class PromptSpecialIds:
    """Token ids the prompt needs: the image placeholder, the closing eos, and the length limit (positions)."""

    image_token_id: int
    eos_id: int
    n_query: int
    max_length: int


def linked_question(caption: str, question: str) -> str:
    """The question once its image is linked to a stored image item: the item's caption names the entity first
    (`linkedQueryText` of src/core/pipeline/retrieve-knowledge.ts, which retrieval and generation both read)."""
    named = re.sub(r"[.!?;:,\s]+$", "", caption.strip())
    return question if named == "" else f"{named}. {question}"


def encode_plain(tokenizer: Tokenizer, text: str) -> list[int]:
    """Token ids of `text` without special tokens."""
    return list(tokenizer.encode(text, add_special_tokens=False).ids)


def build_prompt(
    tokenizer: Tokenizer,
    config: PromptConfig,
    special: PromptSpecialIds,
    question: str,
    has_question_image: bool,
    references: Sequence[Reference],
) -> PromptTokens:
    """Segments tokenised without special tokens, concatenated:

    `question: {question}` [+ `image:` IMG] `references:` [`none`] then per reference `[n] image: IMG {caption}` or
    `[n] text: {text}` (caption/text truncated to `max_ref_tokens`), then eos. IMG = `n_query` image tokens.
    Raises ValueError past `max_references` or when the prompt exceeds `max_length`.
    """
    if len(references) > config.max_references:
        raise ValueError(f"{len(references)} references exceed prompt.max_references={config.max_references}")
    image = [special.image_token_id] * special.n_query
    ids = encode_plain(tokenizer, config.question_prefix) + encode_plain(tokenizer, question)
    slots = 0
    if has_question_image:
        ids += encode_plain(tokenizer, config.question_image) + image
        slots += 1
    ids += encode_plain(tokenizer, config.references_header)
    if not references:
        ids += encode_plain(tokenizer, config.no_references)
    for number, reference in enumerate(references, start=1):
        ids += encode_plain(tokenizer, format_reference_number(config, number))
        if isinstance(reference, ImageReference):
            ids += encode_plain(tokenizer, config.image_reference) + image
            ids += encode_plain(tokenizer, reference.caption)[: config.max_ref_tokens]
            slots += 1
        else:
            ids += encode_plain(tokenizer, config.text_reference)
            ids += encode_plain(tokenizer, reference.text)[: config.max_ref_tokens]
    ids.append(special.eos_id)
    if len(ids) > special.max_length:
        raise ValueError(f"prompt has {len(ids)} tokens, more than the generator's {special.max_length}")
    return PromptTokens(input_ids=ids, n_image_slots=slots)


def format_reference_number(config: PromptConfig, number: int) -> str:
    """`[3]` for 3 with the default `reference_number` of `[{n}]`."""
    return config.reference_number.replace("{n}", str(number))


def build_qformer_instruction(config: PromptConfig, question: str, caption: str) -> str:
    """`{question} | {caption}` at answer time, `{caption}` at ingest, `{question}` for the question image."""
    return config.instruction_join.join(part for part in (question, caption) if part.strip())


def encode_qformer_instruction(tokenizer: Tokenizer, instruction: str, max_tokens: int) -> list[int]:
    """Ids with special tokens (`[CLS] … [SEP]`), content truncated so the total is at most `max_tokens`."""
    ids = list(tokenizer.encode(instruction, add_special_tokens=True).ids)
    return ids if len(ids) <= max_tokens else ids[: max_tokens - 1] + ids[-1:]


def build_askg_target(askg: AskgConfig, prompt: PromptConfig, relevant: Sequence[int], answer: str | None) -> str:
    """ASKG target text: `relevant: [2] [5]; answer: tokyo`; `relevant: none` when nothing is relevant (abstain);
    `relevant: [2] [5]` for the selection-only task (`answer` None). `relevant` holds 1-based prompt numbers."""
    if not relevant:
        return f"{askg.relevant_prefix} {askg.none}"
    numbers = " ".join(format_reference_number(prompt, n) for n in relevant)
    selection = f"{askg.relevant_prefix} {numbers}"
    return selection if answer is None else f"{selection}{askg.separator} {askg.answer_prefix} {answer}"


def encode_target(tokenizer: Tokenizer, target: str, eos_id: int) -> list[int]:
    """Decoder target ids: the target without special tokens, then eos."""
    return encode_plain(tokenizer, target) + [eos_id]
