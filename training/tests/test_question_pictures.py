"""Training questions with their picture left off, and with a picture they do not ask about."""

from __future__ import annotations

import random

from training.recipe.kb_data import Question
from training.recipe.question_pictures import (
    incidental_picture_questions,
    picture_left_off_questions,
    unknown_train_pictures,
)


def question(qid: str, **overrides: object) -> Question:
    fields: dict[str, object] = dict(qid=qid, type="text_fact", question="What currency is used in Peru?",
                                     answers=("sol",), gold=("g",), negatives=("n",), split="train",
                                     entity="country/PER")
    fields.update(overrides)
    return Question(**fields)  # type: ignore[arg-type]


FLAG = question("flag", type="image_question", question="Whose flag is this?", answers=("Peru",), gold=("f",),
                image="images/peru.png")
LOGO_TRAIN = question("logo", type="unanswerable", question="Whose flag is this?", answers=(), gold=(),
                      image="pretrain-images/a.png", entity="icon/a")
LOGO_DEV = question("logo-dev", type="unanswerable", question="Whose flag is this?", answers=(), gold=(),
                    image="pretrain-images/b.png", entity="icon/b", split="dev")


def test_an_image_question_without_its_picture_is_unanswerable_and_keeps_its_wording() -> None:
    skipped = [
        question("fact"),  # no picture to leave off
        question("dev-flag", type="image_question", image="images/x.png", split="dev"),
        LOGO_TRAIN,  # already unanswerable
    ]
    made = picture_left_off_questions([FLAG, *skipped], 10, random.Random(0))
    assert len(made) == 1
    left_off = made[0]
    assert left_off.question == FLAG.question and left_off.image is None and left_off.qid != FLAG.qid
    assert (left_off.type, left_off.answers, left_off.gold, left_off.negatives) == ("unanswerable", (), (), ())


def test_incidental_pictures_are_train_unknown_images_sent_with_answerable_questions_that_have_none() -> None:
    fact = question("fact")
    yes_no = question("yn", type="yes_no", question="Is Peru landlocked?", answers=("no",))
    skipped = [FLAG, question("dev-fact", split="dev"), question("u", type="unanswerable", answers=(), gold=())]
    pool = [fact, yes_no, *skipped, LOGO_TRAIN, LOGO_DEV]
    assert unknown_train_pictures(pool) == ["pretrain-images/a.png"]
    made = incidental_picture_questions(pool, 10, random.Random(1))
    assert sorted(q.qid for q in made) == ["fact~incidental-picture", "yn~incidental-picture"]
    for q in made:
        original = fact if q.qid.startswith("fact") else yes_no
        assert q.image == "pretrain-images/a.png"
        assert (q.question, q.answers, q.gold, q.type) == (original.question, original.answers, original.gold,
                                                           original.type)


def test_counts_cap_the_questions_and_no_unknown_picture_means_none() -> None:
    facts = [question(f"f{i}") for i in range(20)]
    assert len(incidental_picture_questions([*facts, LOGO_TRAIN], 5, random.Random(2))) == 5
    assert incidental_picture_questions(facts, 5, random.Random(2)) == []
    flags = [question(f"i{i}", type="image_question", image=f"images/{i}.png") for i in range(20)]
    assert len(picture_left_off_questions(flags, 3, random.Random(3))) == 3
