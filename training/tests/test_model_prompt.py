"""Prompt, Q-Former instruction and ASKG target, as docs/bundle-format.md specifies them."""

from __future__ import annotations

import pytest
from tokenizers import Tokenizer

from training.ra_blip import (
    ImageReference,
    PromptSpecialIds,
    RaBlipConfig,
    Reference,
    TextReference,
    build_askg_target,
    build_prompt,
    build_qformer_instruction,
    encode_qformer_instruction,
    encode_target,
)


def _special(config: RaBlipConfig) -> PromptSpecialIds:
    gen = config.generator
    return PromptSpecialIds(gen.image_token_id, gen.eos_id, config.qformer.n_query, gen.max_positions)


def _plain(tokenizer: Tokenizer, text: str) -> list[int]:
    return list(tokenizer.encode(text, add_special_tokens=False).ids)


def test_prompt_concatenates_segments_with_image_slots_and_closes_with_eos(
    tiny_config: RaBlipConfig, tokenizer: Tokenizer
) -> None:
    refs: list[Reference] = [ImageReference("A red Flag!"), TextReference("Bishkek is the capital.")]
    prompt = build_prompt(tokenizer, tiny_config.prompt, _special(tiny_config), "Capital of Kyrgyzstan?", True, refs)
    img = [1] * tiny_config.qformer.n_query
    expected = (
        _plain(tokenizer, "question: Capital of Kyrgyzstan? image:")
        + img
        + _plain(tokenizer, "references: [1] image:")
        + img
        + _plain(tokenizer, "A red Flag!")
        + _plain(tokenizer, "[2] text: Bishkek is the capital.")
        + [102]
    )
    assert prompt.input_ids == expected
    assert prompt.n_image_slots == 2


def test_prompt_without_references_says_none(tiny_config: RaBlipConfig, tokenizer: Tokenizer) -> None:
    prompt = build_prompt(tokenizer, tiny_config.prompt, _special(tiny_config), "Who?", False, [])
    assert prompt.input_ids == _plain(tokenizer, "question: Who? references: none") + [102]
    assert prompt.n_image_slots == 0


def test_reference_texts_are_truncated_to_max_ref_tokens(tiny_config: RaBlipConfig, tokenizer: Tokenizer) -> None:
    long_text = "antidisestablishmentarianism " * 40
    prompt = build_prompt(tokenizer, tiny_config.prompt, _special(tiny_config), "q", False, [TextReference(long_text)])
    head = _plain(tokenizer, "question: q references: [1] text:")
    assert prompt.input_ids[: len(head)] == head
    assert len(prompt.input_ids) == len(head) + tiny_config.prompt.max_ref_tokens + 1


def test_too_many_references_or_tokens_are_refused(tiny_config: RaBlipConfig, tokenizer: Tokenizer) -> None:
    refs = [TextReference("x")] * (tiny_config.prompt.max_references + 1)
    with pytest.raises(ValueError, match="max_references"):
        build_prompt(tokenizer, tiny_config.prompt, _special(tiny_config), "q", False, refs)
    with pytest.raises(ValueError, match="more than"):
        build_prompt(tokenizer, tiny_config.prompt, _special(tiny_config), "why " * 300, False, [])


def test_qformer_instruction_joins_question_and_caption_and_truncates(
    tiny_config: RaBlipConfig, tokenizer: Tokenizer
) -> None:
    prompt = tiny_config.prompt
    assert build_qformer_instruction(prompt, "What colour?", "A red flag") == "What colour? | A red flag"
    assert build_qformer_instruction(prompt, "", "A red flag") == "A red flag"
    assert build_qformer_instruction(prompt, "What colour?", " ") == "What colour?"
    ids = encode_qformer_instruction(tokenizer, "zebra " * 100, 16)
    assert len(ids) == 16 and ids[0] == 101 and ids[-1] == 102
    short = encode_qformer_instruction(tokenizer, "Hello, World", 16)
    assert short == list(tokenizer.encode("Hello, World").ids)


def test_askg_targets_name_references_then_answer_or_abstain(tiny_config: RaBlipConfig, tokenizer: Tokenizer) -> None:
    askg, prompt = tiny_config.askg, tiny_config.prompt
    assert build_askg_target(askg, prompt, [2, 5], "tokyo") == "relevant: [2] [5]; answer: tokyo"
    assert build_askg_target(askg, prompt, [], "tokyo") == "relevant: none"
    assert build_askg_target(askg, prompt, [1], None) == "relevant: [1]"
    ids = encode_target(tokenizer, "relevant: none", 102)
    assert ids == _plain(tokenizer, "relevant: none") + [102]
