"""Stage 3: ASKG generator training (RA-BLIP §5): QA over noisy, shuffled references plus relevance selection
and abstention. The ViT is frozen. The Q-Former reads each image with the question as its instruction, so the
generator sees question-instructed visual tokens exactly as at inference; with `qformer_lr_scale` its query path
learns too, as InstructBLIP and RA-BLIP train the Q-Former on the instruction data (its text branch stays fixed).
"""

from __future__ import annotations

import random
import sys
import time

import torch
from tokenizers import Tokenizer

from training.ra_blip.model import RaBlip
from training.ra_blip.prompt import (
    ImageReference,
    Reference,
    TextReference,
    build_askg_target,
    build_prompt,
    build_qformer_instruction,
    encode_target,
)
from training.ra_blip.token_batch import pad_token_ids

from .askg_examples import AskgExample, make_example, prompt_question, retrieval_keys
from .encoding import freeze_text_branch, query_outputs, set_trainable
from .kb_data import KnowledgeBase, load_pixels
from .look_alike_entities import look_alike_questions
from .optim import WeightAverage, make_optimisation
from .precision import autocast
from .question_pictures import incidental_picture_questions, picture_left_off_questions
from .recipe_config import Stage3Config
from .reference_scores import ReferenceScorer
from .stage1_pretrain import special_ids
from .step_budget import StepBudget
from .train_log import TrainLog


BUCKET_POOL = 8  # batches drawn at once and regrouped by prompt length


class ImageEmbedCache:
    """ViT outputs of every image the examples use, computed once (the ViT is frozen from here on)."""

    def __init__(self, model: RaBlip, kb: KnowledgeBase) -> None:
        self.model, self.kb = model, kb
        self.cache: dict[str, torch.Tensor] = {}

    @torch.no_grad()
    def get(self, paths: list[str]) -> torch.Tensor:
        missing = [p for p in dict.fromkeys(paths) if p not in self.cache]
        for start in range(0, len(missing), 128):
            chunk = missing[start : start + 128]
            pixels = torch.stack([load_pixels(self.kb.root / p, self.model.config.vit) for p in chunk])
            for p, e in zip(chunk, self.model.encode_image(pixels)):
                self.cache[p] = e
        return torch.stack([self.cache[p] for p in paths])  # [n, n_patch, d_vit]


def collate(
    model: RaBlip,
    tokenizer: Tokenizer,
    kb: KnowledgeBase,
    images: ImageEmbedCache,
    examples: list[AskgExample],
    scorer: ReferenceScorer | None = None,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor | None]:
    """Prompt ids/mask `[batch, enc_seq]`, image queries `[batch, n_image_tok, d_qformer]`, targets `[batch, t]`,
    and with a scorer the references' retrieval scores `[batch, n_ref]` (0 past a row's references)."""
    cfg = model.config
    slots: list[tuple[int, str, str]] = []  # (row, image path, instruction) in slot order
    prompts: list[list[int]] = []
    targets: list[list[int]] = []
    for row, ex in enumerate(examples):
        refs: list[Reference] = []
        if ex.question_image:
            slots.append((row, ex.question_image, ex.question))
        for ref_id in ex.references:
            item = kb.items[ref_id]
            if item.modality == "image" and item.image:
                refs.append(ImageReference(caption=item.caption))
                slots.append((row, item.image, build_qformer_instruction(cfg.prompt, ex.question, item.caption)))
            else:
                refs.append(TextReference(text=item.text))
        has_image = ex.question_image is not None
        prompt = build_prompt(tokenizer, cfg.prompt, special_ids(model), prompt_question(ex), has_image, refs)
        prompts.append(prompt.input_ids)
        target = build_askg_target(cfg.askg, cfg.prompt, list(ex.relevant), ex.answer)
        targets.append(encode_target(tokenizer, target, cfg.generator.eos_id))
    n_query, d = cfg.qformer.n_query, cfg.qformer.d_qformer
    per_row = [sum(1 for s in slots if s[0] == row) for row in range(len(examples))]
    image_queries = torch.zeros(len(examples), max(1, max(per_row) * n_query), d)
    if slots:
        with torch.set_grad_enabled(model.q_former.query_tokens.requires_grad):
            queries = query_outputs(model, tokenizer, images.get([s[1] for s in slots]), [s[2] for s in slots])
        filled = [0] * len(examples)
        for (row, _, _), q in zip(slots, queries):
            image_queries[row, filled[row] * n_query : (filled[row] + 1) * n_query] = q
            filled[row] += 1
    prompt_batch = pad_token_ids(prompts, cfg.generator.pad_id)
    target_batch = pad_token_ids(targets, cfg.generator.pad_id)
    scores = None
    if scorer is not None:
        scores = torch.zeros(len(examples), max(1, max(len(ex.references) for ex in examples)))
        for row, ex in enumerate(examples):
            scores[row, : len(ex.references)] = torch.tensor(scorer.scores(ex))
    return prompt_batch.input_ids, prompt_batch.attention_mask, image_queries, target_batch.input_ids, scores


def prompt_size(example: AskgExample, kb: KnowledgeBase) -> int:
    """A cheap stand-in for the prompt's token count (characters; an image slot counts as its query tokens)."""
    size = len(example.question) + (40 if example.question_image else 0)
    for ref_id in example.references:
        item = kb.items[ref_id]
        size += len(item.caption) + 40 if item.modality == "image" else len(item.text)
    return size


def length_bucketed(
    examples: list[AskgExample], kb: KnowledgeBase, batch_size: int, rng: random.Random
) -> list[list[AskgExample]]:
    """Batches of similar prompt length, in random order: a batch pads to its longest prompt, and the reference
    count (4 to 12) would otherwise make most rows mostly padding."""
    ordered = sorted(examples, key=lambda e: prompt_size(e, kb))
    batches = [ordered[i : i + batch_size] for i in range(0, len(ordered), batch_size)]
    rng.shuffle(batches)
    return batches


def run_stage3(
    model: RaBlip,
    tokenizer: Tokenizer,
    kb: KnowledgeBase,
    config: Stage3Config,
    log: TrainLog,
    seed: int,
    stage: str = "stage3",
    scorer: ReferenceScorer | None = None,
    deadline: float | None = None,
) -> int:
    """Trains the generator; returns the steps it ran. A generator that reads retrieval scores needs `scorer` (built
    on the trained, frozen fusion module; the no-ASKG ablation shares the main model's). With `deadline` (a
    `time.monotonic()` value) the steps that would run past it are dropped (`StepBudget`)."""
    rng = random.Random(seed)
    questions = list(kb.questions.get("train", []))
    if not config.askg:
        questions = [q for q in questions if any(g in kb.items for g in q.gold) and q.answers]
    elif config.look_alike_unanswerable > 0:
        if not kb.entity_names:
            raise ValueError(f"look_alike_unanswerable needs entity names: {kb.root}/entities.jsonl is missing")
        questions += look_alike_questions(questions, kb.entity_names, config.look_alike_unanswerable, rng)
    if config.askg and config.picture_left_off_unanswerable > 0:
        questions += picture_left_off_questions(kb.questions["train"], config.picture_left_off_unanswerable, rng)
    if config.askg and config.incidental_pictures > 0:
        questions += incidental_picture_questions(kb.questions["train"], config.incidental_pictures, rng)
    item_ids = list(kb.items)
    images = ImageEmbedCache(model, kb)
    if (model.config.generator.reference_scores or config.retrieved_distractors) and scorer is None:
        raise ValueError("retrieval scores and retrieved distractors need a ReferenceScorer")
    retrieve = None
    if scorer is not None:
        scorer.cache_questions([key for q in questions for key in retrieval_keys(q, kb)])
    if scorer is not None and config.retrieved_distractors:
        k = config.retrieved_references + 1  # the gold may be among the hits

        def retrieve(text: str, unlinked_image: str | None) -> list[str]:
            return scorer.top_k(text, unlinked_image, k)
    set_trainable([model], False)
    set_trainable([model.generator], True)
    pretrained = [p for layer in model.generator.text_layer_stack() for p in layer.parameters()]
    lr_scales = [(pretrained, config.pretrained_lr_scale)]
    if config.qformer_lr_scale is not None:
        set_trainable([model.q_former], True)
        freeze_text_branch(model)  # the query path only: retrieval reads the text branch
        lr_scales.append((list(model.q_former.parameters()), config.qformer_lr_scale))
    opt = make_optimisation(model.parameters(), config.lr, config.steps, lr_scales)  # what requires grad
    average = WeightAverage(opt.parameters, config.ema_decay) if config.ema_decay is not None else None
    model.train()
    forward = torch.compile(model, dynamic=True) if config.compile else model
    reads_scores = scorer if model.config.generator.reference_scores else None
    pending: list[list[AskgExample]] = []
    budget = StepBudget(config.steps, deadline) if deadline is not None else None
    step, total = 0, config.steps
    while step < total:
        step += 1
        if not pending:
            draws = BUCKET_POOL * config.batch_size
            pool = [make_example(rng.choice(questions), kb, rng, config, item_ids, retrieve) for _ in range(draws)]
            pending = length_bucketed(pool, kb, config.batch_size, rng)
        batch = pending.pop()
        with autocast(config.precision):  # the ViT cache fills here too, so it holds bf16 features under bf16
            ids, mask, image_queries, target, scores = collate(model, tokenizer, kb, images, batch, reads_scores)
            loss = forward(ids, mask, image_queries, target, scores).loss
        opt.step(loss)
        if average is not None:
            average.update()
        log.record(stage, step, total, loss=loss.item())
        planned = budget.after_step(step, time.monotonic()) if budget is not None else None
        if planned is not None:
            total = planned
            opt.set_total_steps(total)
            print(f"[{stage}] time budget: {total} of {config.steps} steps fit", file=sys.stderr, flush=True)
    if average is not None:
        average.copy_to_parameters()
    model.eval()
    return step
