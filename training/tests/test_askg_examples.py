"""Stage-3 example sampling: retrieval-shaped references (gold + look-alikes), extras, abstain, length buckets."""

from __future__ import annotations

import random
from pathlib import Path

from training.ra_blip.prompt import linked_question
from training.recipe.askg_examples import SELECTION_SUFFIX, make_example, mask_question_words, prompt_question
from training.recipe.kb_data import KnowledgeBase, KnowledgeItem, Question, load_knowledge_base
from training.recipe.recipe_config import Stage3Config
from training.recipe.stage3_generator import length_bucketed, prompt_size
from training.tests.test_train_smoke import write_kb

CONFIG = Stage3Config(steps=1, batch_size=4, lr=1e-3, max_references=12, retrieved_references=4)


def knowledge_base(tmp_path: Path) -> KnowledgeBase:
    write_kb(tmp_path)
    kb = load_knowledge_base(tmp_path)
    for n in range(20):  # random items for the extras
        noise = KnowledgeItem(id=f"noise-{n}", entity=f"e{n}", modality="text", kind="fact", text="x" * n)
        kb.items[noise.id] = noise
    return kb


def test_most_examples_hold_the_gold_and_its_look_alikes_and_some_add_random_extras(tmp_path: Path) -> None:
    kb = knowledge_base(tmp_path)
    question = next(q for q in kb.questions["train"] if q.gold and q.negatives and q.answers)
    rng, ids = random.Random(0), list(kb.items)
    examples = [make_example(question, kb, rng, CONFIG, ids) for _ in range(400)]
    answered = [e for e in examples if e.relevant]
    assert all(len(e.references) >= CONFIG.retrieved_references for e in examples)
    assert all(set(question.negatives) <= set(e.references) for e in answered)  # both look-alikes, every time
    assert all([e.references[i - 1] for i in e.relevant] == list(question.gold) for e in answered)
    with_extras = sum(len(e.references) > CONFIG.retrieved_references for e in examples) / len(examples)
    assert abs(with_extras - CONFIG.p_extra_distractors) < 0.1
    assert 0.05 < sum(not e.relevant for e in examples) / len(examples) < 0.3  # abstain examples name nothing


def test_length_buckets_keep_every_example_and_group_similar_prompts(tmp_path: Path) -> None:
    kb = knowledge_base(tmp_path)
    rng, ids = random.Random(1), list(kb.items)
    pool = [make_example(rng.choice(kb.questions["train"]), kb, rng, CONFIG, ids) for _ in range(32)]
    batches = length_bucketed(pool, kb, 4, rng)
    assert sorted(id(e) for b in batches for e in b) == sorted(id(e) for e in pool)
    padded = sum(max(prompt_size(e, kb) for e in b) * len(b) for b in batches)
    unbucketed = sum(max(prompt_size(e, kb) for e in pool[i : i + 4]) * 4 for i in range(0, 32, 4))
    assert padded <= unbucketed


def test_a_question_image_that_is_a_stored_item_leads_the_question_with_its_caption(tmp_path: Path) -> None:
    kb = knowledge_base(tmp_path)
    flag = kb.items["flag-alpha"]
    question = Question(qid="i0", type="image_question", question="Which city is the capital of this flag's country?",
                        answers=("aville",), gold=("flag-alpha", "cap-alpha"), negatives=(), split="train",
                        entity="alpha", image=flag.image)
    rng, ids = random.Random(2), list(kb.items)
    texts = {make_example(question, kb, rng, CONFIG, ids).question.removesuffix(SELECTION_SUFFIX) for _ in range(50)}
    assert texts == {question.question, linked_question("Flag of Alpha", question.question)}
    assert linked_question("Flag of Alpha.", "Capital?") == "Flag of Alpha. Capital?"
    assert linked_question("  ", "Capital?") == "Capital?"


def test_with_a_retriever_the_look_alikes_are_its_top_non_gold_hits_and_a_linked_item_leads(tmp_path: Path) -> None:
    kb = knowledge_base(tmp_path)
    question = next(q for q in kb.questions["train"] if q.qid == "q0")  # capital of Alpha, gold cap-alpha
    hits = ["noise-3", "cap-alpha", "noise-7", "noise-1", "noise-9", "noise-2"]
    asked: list[tuple[str, str | None]] = []

    def retrieve(text: str, image: str | None) -> list[str]:
        asked.append((text, image))
        return hits

    config = Stage3Config(steps=1, batch_size=4, lr=1e-3, max_references=4, retrieved_references=4, p_abstain=0.0,
                          p_selection=0.0, p_extra_distractors=0.0)
    example = make_example(question, kb, random.Random(3), config, list(kb.items), retrieve)
    assert set(example.references) == {"cap-alpha", "noise-3", "noise-7", "noise-1"}  # the top three non-gold hits
    assert asked == [(question.question, None)]

    flag = kb.items["flag-alpha"]
    linked = Question(qid="i1", type="image_question", question="Which city is the capital of this flag's country?",
                      answers=("aville",), gold=("cap-alpha",), negatives=(), split="train", entity="alpha",
                      image=flag.image)
    config = Stage3Config(steps=1, batch_size=4, lr=1e-3, max_references=4, retrieved_references=4, p_abstain=0.0,
                          p_selection=0.0, p_extra_distractors=0.0, p_linked_question=1.0)
    example = make_example(linked, kb, random.Random(4), config, list(kb.items), retrieve)
    assert example.linked_item == "flag-alpha"
    assert set(example.references) == {"cap-alpha", "flag-alpha", "noise-3", "noise-7"}  # linked item, then hits
    assert asked[-1] == (linked_question("Flag of Alpha", linked.question), None)  # linked: retrieved as text


def test_a_knowledge_base_smaller_than_the_reference_slots_gives_every_non_gold_item_and_stops(tmp_path: Path) -> None:
    write_kb(tmp_path)
    kb = load_knowledge_base(tmp_path)  # 6 items, 12 reference slots
    rng, ids = random.Random(0), list(kb.items)
    for question in kb.questions["train"] * 20:
        example = make_example(question, kb, rng, CONFIG, ids)
        assert len(example.references) == len(set(example.references)) <= len(ids)


def test_word_masking_masks_only_question_words_that_no_reference_or_answer_holds() -> None:
    question = "Under which heading would you find the fallen leaf emoji?"
    protected = ["Emoji: fallen leaf. Group: animals & nature.", "animals & nature"]
    assert mask_question_words(question, protected, 0.0, random.Random(0)) == question
    everything = mask_question_words(question, protected, 1.0, random.Random(0))
    assert everything == "[MASK] [MASK] [MASK] [MASK] [MASK] [MASK] [MASK] fallen leaf emoji?"
    # Case does not matter, and a hyphenated or apostrophised word is one word.
    assert mask_question_words("Is Guinea-Bissau's flag red?", ["guinea-bissau's"], 1.0, random.Random(0)) == (
        "[MASK] Guinea-Bissau's [MASK] [MASK]?"
    )


def test_a_masked_example_keeps_the_question_for_retrieval_and_masks_the_prompt_only(tmp_path: Path) -> None:
    kb = knowledge_base(tmp_path)
    question = next(q for q in kb.questions["train"] if q.qid == "q0")  # "What is the capital of Alpha?"
    config = Stage3Config(steps=1, batch_size=4, lr=1e-3, max_references=4, retrieved_references=4, p_abstain=0.0,
                          p_selection=0.0, p_extra_distractors=0.0, question_word_mask=1.0)
    example = make_example(question, kb, random.Random(4), config, list(kb.items))
    assert example.question == question.question  # retrieval, scores and the Q-Former read this
    # "capital" and "alpha" are in the gold reference, "is", "the" and "of" too; "What" is in none.
    assert prompt_question(example) == "[MASK] is the capital of Alpha?"
    unmasked = make_example(question, kb, random.Random(4), CONFIG, list(kb.items))
    assert unmasked.prompt_question is None and prompt_question(unmasked) == question.question


def test_a_question_image_of_nothing_stored_is_retrieved_with_its_image_and_abstains(tmp_path: Path) -> None:
    kb = knowledge_base(tmp_path)
    logo = Question(qid="u0", type="unanswerable", question="Whose flag is this?", answers=(), gold=(), negatives=(),
                    split="train", entity="icon/0123456789abcdef", image="pretrain-images/0123456789abcdef.png")
    asked: list[tuple[str, str | None]] = []

    def retrieve(text: str, image: str | None) -> list[str]:
        asked.append((text, image))
        return ["flag-alpha", "cap-alpha", "noise-3", "noise-7", "noise-1"]

    config = Stage3Config(steps=1, batch_size=4, lr=1e-3, max_references=4, retrieved_references=4, p_selection=0.0,
                          p_extra_distractors=0.0, p_linked_question=1.0)
    for seed in range(20):
        example = make_example(logo, kb, random.Random(seed), config, list(kb.items), retrieve)
        assert example.relevant == () and example.answer is None  # "relevant: none"
        assert example.question_image == logo.image and example.linked_item is None
        assert example.question == logo.question  # no caption leads: the image links to no stored item
        assert set(example.references) <= {"flag-alpha", "cap-alpha", "noise-3", "noise-7", "noise-1"}
    assert set(asked) == {(logo.question, logo.image)}  # retrieved as the service does: image and question fused
