"""Stage 3's retrieval scores: what the service's index would return for each reference of an example."""

from __future__ import annotations

import json
import random
from pathlib import Path

import torch

from training.ra_blip.minilm import load_tokenizer
from training.ra_blip.model import RaBlip
from training.recipe.askg_examples import SELECTION_SUFFIX, AskgExample, make_example, retrieval_keys, retrieval_text
from training.recipe.kb_data import load_knowledge_base
from training.recipe.encoding import instruction_batch, pad_states, text_states
from training.recipe.recipe_config import Stage3Config
from training.recipe.reference_scores import LINKED_SCORE, ReferenceScorer
from training.recipe.stage2_retrieval import image_query_cache
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
    # ... and, as the service queries it, summed with the question's text vector
    fused = tiny_model.fusion(
        image_query_cache(tiny_model, tokenizer, kb, [str(flag.image)], [question])[0][None],
        *pad_states(text_states(tiny_model, tokenizer, [question])),
    )[0]
    expected = torch.nn.functional.normalize(fused + vector, dim=-1)
    assert torch.allclose(scorer.question_vector(question, flag.image), expected, atol=1e-4)


def test_cached_question_vectors_are_the_one_at_a_time_ones_and_cover_every_example(
    tmp_path: Path, tiny_model: RaBlip
) -> None:
    write_kb(tmp_path)
    with_image = {"qid": "i0", "type": "image_question", "question": "Which country is this?", "answers": ["alpha"],
                  "gold": ["flag-alpha"], "negatives": [], "split": "train", "entity": "alpha",
                  "image": "images/flag-alpha.png"}
    with (tmp_path / "questions" / "train.jsonl").open("a") as f:
        f.write(json.dumps(with_image) + "\n")
    kb = load_knowledge_base(tmp_path)
    tokenizer = load_tokenizer()
    questions = kb.questions["train"]
    keys = [key for q in questions for key in retrieval_keys(q, kb)]
    assert any(image is not None for _, image in keys) and any(text.startswith("Flag of") for text, _ in keys)

    one_at_a_time = ReferenceScorer(tiny_model, tokenizer, kb)
    batched = ReferenceScorer(tiny_model, tokenizer, kb)
    batched.cache_questions(keys + keys[:2])  # repeats are embedded once
    assert len(batched.question_vectors) == len(set(keys))
    for text, image in keys:
        assert torch.allclose(batched.question_vectors[(text, image)], one_at_a_time.question_vector(text, image), atol=1e-5)

    # make_example only ever asks for a cached key, linked or not
    config = Stage3Config(steps=1, batch_size=1, lr=0.1, max_references=3, retrieved_references=2)  # 6 items in all
    rng = random.Random(0)
    for _ in range(40):
        ex = make_example(rng.choice(questions), kb, rng, config, list(kb.items))
        assert (retrieval_text(ex), None if ex.linked_item else ex.question_image) in batched.question_vectors
