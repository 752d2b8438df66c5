"""Unanswerable training questions about look-alike entities: what gets rewritten, and how the names look."""

from __future__ import annotations

import random
from pathlib import Path

from training.recipe.askg_examples import make_example
from training.recipe.kb_data import Question, load_knowledge_base
from training.recipe.look_alike_entities import (
    COUNTRY_ENDINGS,
    EMOJI_ADJECTIVES,
    look_alike_name,
    look_alike_questions,
)
from training.recipe.recipe_config import Stage3Config
from training.tests.test_train_smoke import write_kb

NAMES = {"country/PER": "Peru", "country/COD": "DR Congo", "emoji/1F994": "hedgehog"}


def question(qid: str, entity: str, text: str, **overrides: object) -> Question:
    fields: dict[str, object] = dict(qid=qid, type="text_fact", question=text, answers=("x",), gold=("g",),
                                     negatives=(), split="train", entity=entity)
    fields.update(overrides)
    return Question(**fields)  # type: ignore[arg-type]


def test_a_country_keeps_a_prefix_of_its_first_word_and_an_emoji_gains_an_adjective() -> None:
    rng, taken = random.Random(0), {n.lower() for n in NAMES.values()}
    for _ in range(50):
        peru = look_alike_name("Peru", "country/PER", taken, rng)
        assert peru is not None and peru[:3] == "Per" and peru.lower().endswith(COUNTRY_ENDINGS)
        congo = look_alike_name("DR Congo", "country/COD", taken, rng)
        assert congo is not None and congo.startswith("D") and not congo.startswith("DR") and " " not in congo
        hedgehog = look_alike_name("hedgehog", "emoji/1F994", taken, rng)
        assert hedgehog is not None and hedgehog.split(" ", 1) in ([a, "hedgehog"] for a in EMOJI_ADJECTIVES)


def test_a_look_alike_is_never_a_real_name() -> None:
    # Every candidate ending is taken: the only name on offer is real, so none is returned.
    taken = {f"per{ending}" for ending in COUNTRY_ENDINGS}  # "Peru" keeps at most "Per"
    assert look_alike_name("Peru", "country/PER", taken, random.Random(1)) is None


def test_only_answerable_train_questions_without_an_image_that_name_their_entity_are_rewritten() -> None:
    keep = question("a", "country/PER", "What currency is used in Peru?")
    skipped = [
        question("b", "country/PER", "Of which country is Lima the capital?"),  # the name is the answer
        question("c", "country/PER", "What is the capital of Peru?", split="dev"),
        question("d", "country/PER", "Which country uses this flag, Peru?", image="images/flag.png"),
        question("e", "country/PER", "What is the capital of Peru?", type="unanswerable", answers=(), gold=()),
        question("f", "country/XYZ", "What is the capital of Xyz?"),  # no entity name known
    ]
    made = look_alike_questions([keep, *skipped], NAMES, 10, random.Random(2))
    assert len(made) == 1
    rewritten = made[0]
    assert rewritten.question.startswith("What currency is used in Per") and "Peru" not in rewritten.question
    assert (rewritten.type, rewritten.answers, rewritten.gold, rewritten.split) == ("unanswerable", (), (), "train")
    assert rewritten.template_id == keep.template_id and rewritten.qid != keep.qid


def test_the_count_is_an_upper_bound_and_each_question_is_rewritten_once() -> None:
    pool = [question(f"q{n}", "country/PER", f"Question {n} about Peru?") for n in range(30)]
    made = look_alike_questions(pool, NAMES, 12, random.Random(3))
    assert len(made) == 12 and len({q.qid for q in made}) == 12


def test_a_look_alike_question_is_an_abstain_example_over_what_retrieval_returns(tmp_path: Path) -> None:
    write_kb(tmp_path)
    kb = load_knowledge_base(tmp_path)
    made = look_alike_questions(kb.questions["train"], kb.entity_names, 100, random.Random(4))
    # Every smoke question names its entity, and the look-alike keeps less than the whole name.
    assert len(made) == 6 and not any(name in q.question for q in made for name in ("Alpha", "Beta", "Gamma"))
    config = Stage3Config(steps=1, batch_size=4, lr=1e-3, max_references=4, retrieved_references=4,
                          p_extra_distractors=0.0)
    hits = ["cap-alpha", "cap-beta", "cap-gamma", "flag-alpha", "flag-beta"]
    for look_alike in made:
        example = make_example(look_alike, kb, random.Random(5), config, list(kb.items), lambda _t, _i: hits)
        assert example.relevant == () and example.answer is None
        assert list(example.references) and set(example.references) <= set(hits[:4])
