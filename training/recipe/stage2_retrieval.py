"""Stage 2: retrieval pre-training of the multimodal adaptive fusion module (RA-BLIP §2.3, design §3).

Questions (text, or text + question image) and knowledge (image + caption, or text) go through the same fusion
layers and projection. InfoNCE over in-batch positives plus hard negatives from the benchmark builder. The text
branch and the Q-Former are frozen, so their outputs are computed once and the fusion layers train on the cache.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

import torch
import torch.nn.functional as F
from tokenizers import Tokenizer

from training.ra_blip.model import RaBlip

from .encoding import pad_states, query_outputs, set_trainable, text_states
from .kb_data import KnowledgeBase, Question, item_text, load_pixels
from .optim import make_optimisation
from .precision import autocast, similarity
from .recipe_config import Stage2Config
from .train_log import TrainLog


def embed_rows(model: RaBlip, queries: Sequence[torch.Tensor | None], states: Sequence[torch.Tensor]) -> torch.Tensor:
    """Fusion embeddings `[rows, d_embed]` of rows that may or may not carry query outputs `[n_query, d_qformer]`."""
    out: list[torch.Tensor | None] = [None] * len(states)
    with_image = [i for i, q in enumerate(queries) if q is not None]
    text_only = [i for i, q in enumerate(queries) if q is None]
    for group, has_image in ((with_image, True), (text_only, False)):
        if not group:
            continue
        padded, mask = pad_states([states[i] for i in group])
        query = torch.stack([queries[i] for i in group]) if has_image else None  # type: ignore[misc]
        embedded = model.fusion(query, padded, mask)
        for row, i in enumerate(group):
            out[i] = embedded[row]
    return torch.stack([row for row in out if row is not None])


@torch.no_grad()
def image_query_cache(
    model: RaBlip, tokenizer: Tokenizer, kb: KnowledgeBase, paths: Sequence[str], instructions: Sequence[str]
) -> list[torch.Tensor]:
    """Frozen Q-Former outputs `[n_query, d_qformer]` for each (image path, instruction) pair."""
    out: list[torch.Tensor] = []
    for start in range(0, len(paths), 64):
        chunk = paths[start : start + 64]
        pixels = torch.stack([load_pixels(kb.root / p, model.config.vit) for p in chunk])
        queries = query_outputs(model, tokenizer, model.encode_image(pixels), instructions[start : start + 64])
        out.extend(queries)
    return out


@torch.no_grad()
def knowledge_features(
    model: RaBlip, tokenizer: Tokenizer, kb: KnowledgeBase, item_ids: Sequence[str]
) -> tuple[list[torch.Tensor], dict[str, torch.Tensor]]:
    """The frozen inputs of every item's fusion embedding: text-branch states of its text or caption, and for image
    items the Q-Former outputs instructed by the caption."""
    item_states = text_states(model, tokenizer, [item_text(kb.items[i]) for i in item_ids])
    image_ids = [i for i in item_ids if kb.items[i].modality == "image" and kb.items[i].image]
    paths = [str(kb.items[i].image) for i in image_ids]
    queries = image_query_cache(model, tokenizer, kb, paths, [kb.items[i].caption for i in image_ids])
    return item_states, dict(zip(image_ids, queries, strict=True))


def run_stage2(
    model: RaBlip, tokenizer: Tokenizer, kb: KnowledgeBase, config: Stage2Config, log: TrainLog, seed: int
) -> None:
    rng = random.Random(seed)
    questions: list[Question] = [
        q for q in kb.questions.get("train", []) if any(g in kb.items for g in q.gold)
    ]
    rng.shuffle(questions)
    questions = questions[: config.max_questions]
    item_ids = list(kb.items)
    position = {item_id: i for i, item_id in enumerate(item_ids)}
    with autocast(config.precision):  # the frozen branches' outputs, computed once
        item_states, image_queries = knowledge_features(model, tokenizer, kb, item_ids)
        question_states = text_states(model, tokenizer, [q.question for q in questions])
        with_image = [k for k, q in enumerate(questions) if q.image]
        cached = image_query_cache(model, tokenizer, kb, [str(questions[k].image) for k in with_image], [questions[k].question for k in with_image])
        question_queries: dict[int, torch.Tensor] = dict(zip(with_image, cached))

    set_trainable([model], False)
    set_trainable([model.fusion], True)
    opt = make_optimisation(model.fusion.parameters(), config.lr, config.steps)
    model.train()
    order: list[int] = []
    for step in range(1, config.steps + 1):
        if len(order) < config.batch_size:
            order = list(range(len(questions)))
            rng.shuffle(order)
        batch = [order.pop() for _ in range(min(config.batch_size, len(questions)))]
        positives = [rng.choice([g for g in questions[k].gold if g in kb.items]) for k in batch]
        candidates = list(dict.fromkeys(positives))
        for k in batch:
            pool = [n for n in questions[k].negatives if n in kb.items]
            candidates += rng.sample(pool, min(config.hard_negatives, len(pool)))
        candidates = list(dict.fromkeys(candidates))
        with autocast(config.precision):
            q_emb = embed_rows(
                model, [question_queries.get(k) for k in batch], [question_states[k] for k in batch]
            )  # [batch, d_embed]
            k_emb = embed_rows(
                model, [image_queries.get(c) for c in candidates], [item_states[position[c]] for c in candidates]
            )  # [candidates, d_embed]
            logits = similarity(q_emb, k_emb) / config.temperature  # fp32
            # Another gold item of the same question is not a negative.
            for row, k in enumerate(batch):
                for col, c in enumerate(candidates):
                    if c in questions[k].gold and c != positives[row]:
                        logits[row, col] = -1e4
            labels = torch.tensor([candidates.index(p) for p in positives])
            loss = F.cross_entropy(logits, labels)
        opt.step(loss)
        accuracy = (logits.argmax(dim=1) == labels).float().mean().item()
        log.record("stage2", step, config.steps, loss=loss.item(), batch_acc=accuracy)
    model.eval()
