"""Training questions that change what picture comes with a train question, so the generator learns when a picture
matters from the question's wording rather than from whether a picture is there.

- **Picture left off**: a question that asks about its picture ("Whose flag is this?") sent without it. Nothing
  retrieved can be "this flag", so the target is `relevant: none`. Without these, the committed bundle named a
  country for 28 of 35 such dev questions ("somalia"): every image question it trained on came with its image.
- **Incidental picture**: an answerable question that names what it asks about ("What currency is used in Peru?")
  sent with a picture it does not ask about. The target is the usual answer from the references. The pictures are
  the train split's unknown images (logos no knowledge item shows, `docs/data.md`), so a dev or test logo is never
  trained on and the picture links to nothing, as a user's unrelated photo would.

Only train questions are used; dev and test files are unchanged.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import replace

from .kb_data import Question
from .look_alike_entities import ANSWERABLE_TYPES

UNKNOWN_IMAGE_ENTITY_PREFIX = "icon/"


def picture_left_off_questions(questions: Sequence[Question], count: int, rng: random.Random) -> list[Question]:
    """Up to `count` unanswerable questions, each a distinct answerable train image question without its image."""
    eligible = [q for q in questions if q.split == "train" and q.type == "image_question" and q.image and q.answers]
    return [
        replace(q, qid=f"{q.qid}~no-picture", type="unanswerable", answers=(), gold=(), negatives=(), image=None)
        for q in rng.sample(eligible, min(count, len(eligible)))
    ]


def unknown_train_pictures(questions: Sequence[Question]) -> list[str]:
    """The pictures of the train split's questions about an image of nothing stored, sorted."""
    return sorted(
        {
            q.image
            for q in questions
            if q.split == "train" and q.image and q.entity.startswith(UNKNOWN_IMAGE_ENTITY_PREFIX)
        }
    )


def incidental_picture_questions(questions: Sequence[Question], count: int, rng: random.Random) -> list[Question]:
    """Up to `count` copies of distinct answerable train questions without an image, each sent with one of the train
    split's unknown pictures (`unknown_train_pictures`)."""
    pictures = unknown_train_pictures(questions)
    if not pictures:
        return []
    eligible = [
        q
        for q in questions
        if q.split == "train" and q.type in ANSWERABLE_TYPES and q.image is None and q.gold and q.answers
    ]
    return [
        replace(q, qid=f"{q.qid}~incidental-picture", image=rng.choice(pictures))
        for q in rng.sample(eligible, min(count, len(eligible)))
    ]
