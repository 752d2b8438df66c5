"""Builds ASKG generator examples: shuffled references with distractors, selection-task and abstain examples."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from .kb_data import KnowledgeBase, Question
from .recipe_config import Stage3Config

SELECTION_SUFFIX = " which reference is relevant?"


@dataclass(frozen=True)
class AskgExample:
    """One generator example. `relevant` holds 1-based prompt numbers; `answer` None for the selection task."""

    question: str
    question_image: str | None
    references: tuple[str, ...]  # knowledge ids in prompt order
    relevant: tuple[int, ...]
    answer: str | None


def make_example(
    question: Question, kb: KnowledgeBase, rng: random.Random, config: Stage3Config, item_ids: Sequence[str]
) -> AskgExample:
    gold = [g for g in question.gold if g in kb.items]
    answer = question.answers[0] if question.answers else None
    if not config.askg:
        # No-ASKG ablation: oracle references only, every one named, never abstains (the paper's plain QA).
        refs = list(gold)
        rng.shuffle(refs)
        return AskgExample(question.question, question.image, tuple(refs), tuple(range(1, len(refs) + 1)), answer)
    abstain = not gold or answer is None or rng.random() < config.p_abstain
    kept = [] if abstain else gold[: config.max_references]
    room = config.max_references - len(kept)
    n_distractors = rng.randint(0 if kept else 1, room)
    hard = [n for n in question.negatives if n in kb.items and n not in question.gold]
    distractors = rng.sample(hard, min(len(hard), rng.randint(0, n_distractors)))
    while len(distractors) < n_distractors:
        candidate = rng.choice(item_ids)
        if candidate not in question.gold and candidate not in distractors:
            distractors.append(candidate)
    refs = kept + distractors
    rng.shuffle(refs)
    relevant = tuple(sorted(refs.index(g) + 1 for g in kept))
    if kept and rng.random() < config.p_selection:
        return AskgExample(question.question + SELECTION_SUFFIX, question.image, tuple(refs), relevant, None)
    return AskgExample(question.question, question.image, tuple(refs), relevant, None if abstain else answer)
