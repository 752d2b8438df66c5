"""Unanswerable training questions about look-alike entities: a train question with its entity's name replaced by an
invented near-name ("Peru" → "Perovar", "hedgehog" → "wobbly hedgehog").

Retrieval then returns the real entity's facts and other entities' facts of the same relation near the top, none of
them about the entity asked for, so the target is `relevant: none`. These are the unanswerable questions the
generator answers on dev ("Tell me one of the official languages of Ardeveria." answered from Aruba's languages):
the benchmark's own unanswerable training questions are few (1,436 of 24,448). The names come from word lists
disjoint from the benchmark's (training/kb/fictional-names.ts), so no look-alike is a dev or test name, and only
train questions are rewritten.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping, Sequence

from .kb_data import Question

# Training-only word lists: none of them is in the benchmark's lists of invented names.
COUNTRY_ENDINGS = ("ovar", "iland", "esca", "umbra", "avia", "oska", "eline", "ithan", "ondo", "arak", "ulia", "enza")
EMOJI_ADJECTIVES = ("wobbly", "shiny", "hungry", "rusty", "velvet", "paper", "sneaky", "electric", "jumping",
                    "haunted", "polka-dot", "bashful")  # fmt: skip
EMOJI_PREFIX = "emoji/"
ANSWERABLE_TYPES = ("text_fact", "yes_no", "comparison", "image_attribute")


def look_alike_name(name: str, entity: str, taken: set[str], rng: random.Random) -> str | None:
    """An invented name close to `name` that is none of `taken` (lowercase real names): an emoji gets an adjective
    ("wobbly hedgehog"), anything else a prefix of its first word, shorter than the word, and a new ending
    ("Perovar")."""
    for _ in range(8):
        if entity.startswith(EMOJI_PREFIX):
            candidate = f"{rng.choice(EMOJI_ADJECTIVES)} {name}"
        else:
            letters = re.sub(r"[^A-Za-z]", "", name.split()[0]) or name
            stem = letters[: min(rng.randint(3, 5), max(2, len(letters) - 1))]  # never the whole word
            candidate = (stem + rng.choice(COUNTRY_ENDINGS)).capitalize()
        if candidate.lower() not in taken:
            return candidate
    return None


def look_alike_questions(
    questions: Sequence[Question], entity_names: Mapping[str, str], count: int, rng: random.Random
) -> list[Question]:
    """Up to `count` unanswerable questions, each a distinct answerable train question without an image whose text
    names its entity, asked about a look-alike of that entity instead."""
    taken = {name.lower() for name in entity_names.values()}

    def rewritable(q: Question) -> bool:
        name = entity_names.get(q.entity, "")
        answerable = q.type in ANSWERABLE_TYPES and bool(q.gold) and bool(q.answers)
        return q.split == "train" and answerable and q.image is None and name != "" and name in q.question

    eligible = [q for q in questions if rewritable(q)]
    made: list[Question] = []
    for q in rng.sample(eligible, min(count, len(eligible))):
        name = entity_names[q.entity]
        fake = look_alike_name(name, q.entity, taken, rng)
        if fake is None:
            continue
        made.append(
            Question(
                qid=f"{q.qid}~look-alike",
                type="unanswerable",
                question=q.question.replace(name, fake, 1),
                answers=(),
                gold=(),
                negatives=(),
                split="train",
                entity=f"look-alike/{fake}",
                template_id=q.template_id,
            )
        )
    return made
