"""Builds ASKG generator examples: shuffled references with distractors, selection-task and abstain examples."""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from training.ra_blip.prompt import linked_question

from .kb_data import KnowledgeBase, KnowledgeItem, Question, item_text
from .recipe_config import Stage3Config

SELECTION_SUFFIX = " which reference is relevant?"
MASK_TOKEN = "[MASK]"
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


def mask_question_words(question: str, protected_texts: Sequence[str], rate: float, rng: random.Random) -> str:
    """`question` with each word that occurs in none of `protected_texts` replaced by [MASK] at `rate`."""
    protected = {w.lower() for text in protected_texts for w in _WORD.findall(text)}

    def mask(match: re.Match[str]) -> str:
        word = match.group(0)
        return MASK_TOKEN if word.lower() not in protected and rng.random() < rate else word

    return _WORD.sub(mask, question)


@dataclass(frozen=True)
class AskgExample:
    """One generator example. `relevant` holds 1-based prompt numbers; `answer` None for the selection task."""

    question: str
    question_image: str | None
    references: tuple[str, ...]  # knowledge ids in prompt order
    relevant: tuple[int, ...]
    answer: str | None
    linked_item: str | None = None  # the image item the question image was linked to, when its caption leads
    prompt_question: str | None = None  # the question as the generator's prompt reads it, when word-masked


def prompt_question(example: AskgExample) -> str:
    """The question text of the generator's prompt: word-masked when the recipe masks words, else as asked."""
    return example.prompt_question if example.prompt_question is not None else example.question


def retrieval_text(example: AskgExample) -> str:
    """The text the service embeds for retrieval: the question (linked), without the selection task's suffix."""
    return example.question.removesuffix(SELECTION_SUFFIX)


def linked_image_item(question: Question, kb: KnowledgeBase) -> KnowledgeItem | None:
    """The stored image item the question's image is, which visual entity linking finds at answer time."""
    return kb.item_by_image.get(question.image) if question.image else None


def retrieval_keys(question: Question, kb: KnowledgeBase) -> list[tuple[str, str | None]]:
    """Every (retrieval text, unlinked image) `make_example` can give `question`: as asked, and linked to the stored
    image item its image is, if any."""
    keys: list[tuple[str, str | None]] = [(question.question, question.image)]
    linked = linked_image_item(question, kb)
    if linked is not None:
        keys.append((linked_question(linked.caption, question.question), None))
    return keys


# The service's retrieval for a question text and, when it was not linked, its image: item ids, best first.
Retriever = Callable[[str, str | None], Sequence[str]]


def make_example(
    question: Question,
    kb: KnowledgeBase,
    rng: random.Random,
    config: Stage3Config,
    item_ids: Sequence[str],
    retrieve: Retriever | None = None,
) -> AskgExample:
    """One example. With `retrieve`, the look-alikes are what the service would retrieve around the gold (the linked
    item first, then the top hits), else a sample of the builder's hard negatives."""
    gold = [g for g in question.gold if g in kb.items]
    answer = question.answers[0] if question.answers else None
    text = question.question
    linked = linked_image_item(question, kb)
    linked_item = None
    if linked is not None and rng.random() < config.p_linked_question:
        text = linked_question(linked.caption, text)
        linked_item = linked.id
    if not config.askg:
        # No-ASKG ablation: oracle references only, every one named, never abstains (the paper's plain QA).
        refs = list(gold)
        rng.shuffle(refs)
        return AskgExample(text, question.image, tuple(refs), tuple(range(1, len(refs) + 1)), answer, linked_item)
    abstain = not gold or answer is None or rng.random() < config.p_abstain
    kept = [] if abstain else gold[: config.max_references]
    room = config.max_references - len(kept)
    # Retrieval-like slots: look-alikes first (what top-k returns around the gold), random items where they run out.
    look_alikes = min(room, max(config.retrieved_references - len(kept), 0 if kept else 1))
    if retrieve is not None:
        hits = ([linked_item] if linked_item else []) + list(retrieve(text, None if linked_item else question.image))
        distractors = [n for n in dict.fromkeys(hits) if n not in question.gold][:look_alikes]
    else:
        hard = [n for n in question.negatives if n in kb.items and n not in question.gold]
        distractors = rng.sample(hard, min(len(hard), look_alikes))
    extra_room = room - look_alikes
    with_extras = extra_room > 0 and rng.random() < config.p_extra_distractors
    n_distractors = look_alikes + (rng.randint(1, extra_room) if with_extras else 0)
    n_distractors = min(n_distractors, len(item_ids) - len(question.gold))  # a small knowledge base runs out
    while len(distractors) < n_distractors:
        candidate = rng.choice(item_ids)
        if candidate not in question.gold and candidate not in distractors:
            distractors.append(candidate)
    refs = kept + distractors
    rng.shuffle(refs)
    relevant = tuple(sorted(refs.index(g) + 1 for g in kept))
    masked = None
    if config.question_word_mask > 0:
        ref_texts = [item_text(kb.items[r]) for r in refs]
        masked = mask_question_words(text, [*ref_texts, *question.answers], config.question_word_mask, rng)
    if kept and rng.random() < config.p_selection:
        selection = None if masked is None else masked + SELECTION_SUFFIX
        return AskgExample(text + SELECTION_SUFFIX, question.image, tuple(refs), relevant, None, linked_item, selection)
    target_answer = None if abstain else answer
    return AskgExample(text, question.image, tuple(refs), relevant, target_answer, linked_item, masked)
