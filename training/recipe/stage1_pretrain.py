"""Stage 1: image-text pre-training of the ViT and the Q-Former's query path (BLIP-2 stage 1).

Three losses over every image+caption pair of the knowledge base:
- ITC: queries (instructed with a fixed prompt) vs caption, in-batch InfoNCE both ways;
- ITM: queries instructed with a caption say whether it matches, hard negatives mined from ITC similarity;
- captioning: the generator describes the image from the query tokens (caption, plus the flag colours read from
  the rendered image for entities outside dev/test), which also warms the generator up to reading images.
The text branch (MiniLM) stays frozen so the pretrained text space survives for retrieval.
"""

from __future__ import annotations

import random

import torch
import torch.nn.functional as F
from tokenizers import Tokenizer
from torch import nn

from training.ra_blip.model import RaBlip
from training.ra_blip.prompt import PromptSpecialIds, build_prompt, encode_target
from training.ra_blip.token_batch import pad_token_ids

from .encoding import freeze_text_branch, query_outputs, text_states
from .kb_data import KnowledgeBase, load_pixels
from .optim import make_optimisation
from .precision import autocast, similarity
from .recipe_config import Stage1Config
from .train_log import TrainLog

CAPTION_QUESTION = "describe the image."


def caption_target(kb: KnowledgeBase, item_id: str, held_out: set[str]) -> str:
    item = kb.items[item_id]
    colours = kb.colours.get(item_id)
    if colours and item.entity not in held_out:
        return f"{item.caption}; colours: {', '.join(colours)}"
    return item.caption


def special_ids(model: RaBlip) -> PromptSpecialIds:
    cfg = model.config
    return PromptSpecialIds(
        image_token_id=cfg.generator.image_token_id,
        eos_id=cfg.generator.eos_id,
        n_query=cfg.qformer.n_query,
        max_length=cfg.generator.max_positions,
    )


def run_stage1(
    model: RaBlip, tokenizer: Tokenizer, kb: KnowledgeBase, config: Stage1Config, log: TrainLog, seed: int
) -> None:
    rng = random.Random(seed)
    items = [item for item in kb.image_items() if item.image]
    pixels = torch.stack([load_pixels(kb.root / str(item.image), model.config.vit) for item in items])
    held_out = kb.test_entities()
    captions = [item.caption for item in items]
    with autocast(config.precision):
        caption_states = text_states(model, tokenizer, captions)  # frozen text branch: computed once
    targets = [encode_target(tokenizer, caption_target(kb, item.id, held_out), model.config.generator.eos_id) for item in items]
    prompt = build_prompt(
        tokenizer, model.config.prompt, special_ids(model), CAPTION_QUESTION, True, []
    ).input_ids

    d_q = model.config.qformer.d_qformer
    heads = nn.ModuleDict(
        {"itc_image": nn.Linear(d_q, config.itc_dim), "itc_text": nn.Linear(d_q, config.itc_dim), "itm": nn.Linear(d_q, 2)}
    )
    freeze_text_branch(model)
    model.fusion.requires_grad_(False)
    opt = make_optimisation(list(model.parameters()) + list(heads.parameters()), config.lr, config.steps)
    model.train()
    order: list[int] = []
    for step in range(1, config.steps + 1):
        if len(order) < config.batch_size:
            order = list(range(len(items)))
            rng.shuffle(order)
        idx = [order.pop() for _ in range(min(config.batch_size, len(items)))]
        with autocast(config.precision):
            image_embeds = model.encode_image(pixels[idx])  # [batch, n_patch, d_vit]
            queries = query_outputs(model, tokenizer, image_embeds, [CAPTION_QUESTION] * len(idx))

            # ITC: mean query vs mean caption state; same captions are not negatives of each other.
            image_feat = F.normalize(heads["itc_image"](queries.mean(dim=1)), dim=-1)
            text_feat = F.normalize(
                heads["itc_text"](torch.stack([caption_states[i].mean(dim=0) for i in idx])), dim=-1
            )
            sim = similarity(image_feat, text_feat) / config.itc_temperature  # [batch, batch], fp32
            same = torch.tensor([[captions[i] == captions[j] for j in idx] for i in idx])
            sim = sim.masked_fill(same & ~torch.eye(len(idx), dtype=torch.bool), -1e4)
            labels = torch.arange(len(idx))
            loss_itc = (F.cross_entropy(sim, labels) + F.cross_entropy(sim.T, labels)) / 2

            # ITM: half positives, half hardest negatives by ITC similarity.
            with torch.no_grad():
                hardest = sim.detach().fill_diagonal_(-1e4).argmax(dim=1).tolist()
            half = max(1, len(idx) // 2)
            pair_captions = [captions[idx[k]] for k in range(half)] + [captions[idx[hardest[k]]] for k in range(half)]
            itm_queries = query_outputs(model, tokenizer, image_embeds[list(range(half)) * 2], pair_captions)
            itm_labels = torch.tensor([1] * half + [0] * half)
            loss_itm = F.cross_entropy(heads["itm"](itm_queries.mean(dim=1)), itm_labels)

            # Captioning through the generator, reading the query tokens in the question-image slot.
            prompts = pad_token_ids([prompt] * len(idx), model.config.generator.pad_id)
            target = pad_token_ids([targets[i] for i in idx], model.config.generator.pad_id)
            # The captioning prompt holds no references: any retrieval scores are never read.
            no_scores = torch.zeros(len(idx), 1) if model.config.generator.reference_scores else None
            loss_cap = model(prompts.input_ids, prompts.attention_mask, queries, target.input_ids, no_scores).loss

            loss = loss_itc + loss_itm + loss_cap
        opt.step(loss)
        log.record("stage1", step, config.steps, loss=loss.item(), itc=loss_itc.item(), itm=loss_itm.item(), cap=loss_cap.item())
    model.eval()
