"""Stage 3's retrieval scores: what the service's index would return for each reference of an example."""

from __future__ import annotations

from pathlib import Path

import torch

from training.ra_blip.minilm import load_tokenizer
from training.ra_blip.model import RaBlip
from training.recipe.askg_examples import SELECTION_SUFFIX, AskgExample
from training.recipe.kb_data import load_knowledge_base
from training.recipe.encoding import instruction_batch
from training.recipe.reference_scores import LINKED_SCORE, ReferenceScorer
from training.tests.test_train_smoke import write_kb


@torch.no_grad()
def test_scores_are_the_inner_products_of_the_exported_embeddings_and_a_linked_item_scores_one(
    tmp_path: Path, tiny_model: RaBlip
) -> None:
    write_kb(tmp_path)
    kb = load_knowledge_base(tmp_path)
    tokenizer = load_tokenizer()
    scorer = ReferenceScorer(tiny_model, tokenizer, kb)
    question = "What is the capital of Alpha?"
    refs = ("cap-alpha", "flag-beta", "cap-gamma")
    example = AskgExample(question + SELECTION_SUFFIX, None, refs, (1,), None)
    scores = scorer.scores(example)

    asked = instruction_batch(tokenizer, tiny_model, [question])  # the selection suffix is not retrieved for
    vector = tiny_model.embed_text(asked.input_ids, asked.attention_mask)[0]
    fact = instruction_batch(tokenizer, tiny_model, [kb.items["cap-alpha"].text])
    assert abs(scores[0] - float(vector @ tiny_model.embed_text(fact.input_ids, fact.attention_mask)[0])) < 1e-4
    assert all(-1.0 <= s <= 1.0 for s in scores) and len(set(scores)) == 3

    flag = kb.items["flag-beta"]
    linked = AskgExample(f"Flag of Beta. {question}", flag.image, refs, (1,), "x", linked_item="flag-beta")
    assert scorer.scores(linked)[1] == LINKED_SCORE
    unlinked = AskgExample(question, flag.image, refs, (1,), "x")  # a user's own photo: image and question fused
    assert scorer.scores(unlinked) != scores
