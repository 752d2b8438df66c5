"""Trains RA-BLIP-mini from scratch: the three recipe stages, the no-ASKG ablation generator, then the bundles.
Stages run in the order 1, 3, 2, because the fusion module (stage 2) reads the Q-Former that stage 3 fine-tunes.

    .venv/bin/python -m training.train --recipe training/configs/recipe-demo.json --kb build/kb \
        --work build/train --bundle models/ra-blip-mini [--ablation-bundle models/ablations/no-askg] [--quantize int8]

Seeded end to end; losses go to `{work}/log.jsonl`, checkpoints to `{work}/*.pt`.
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import json
import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch

from training.export import export_bundle
from training.ra_blip.checkpoint import load_checkpoint, save_checkpoint
from training.ra_blip.config import load_config
from training.ra_blip.minilm import load_minilm, load_tokenizer
from training.ra_blip.model import RaBlip
from training.recipe.kb_data import load_knowledge_base
from training.recipe.pretrained_init import init_generator_embeddings, load_minilm_fusion
from training.recipe.precision import autocast
from training.recipe.recipe_config import load_recipe
from training.recipe.reference_scores import ReferenceScorer
from training.recipe.stage1_pretrain import run_stage1
from training.recipe.stage2_retrieval import run_stage2
from training.recipe.stage3_generator import run_stage3
from training.recipe.train_log import TrainLog


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--recipe", type=Path, required=True)
    parser.add_argument("--kb", type=Path, default=Path("build/kb"))
    parser.add_argument("--work", type=Path, default=Path("build/train"))
    parser.add_argument("--bundle", type=Path, required=True)
    parser.add_argument("--ablation-bundle", type=Path)
    parser.add_argument("--quantize", choices=["int8"])
    parser.add_argument("--threads", type=int, help="override the recipe's thread count (1 on a shared machine)")
    parser.add_argument(
        "--resume",
        type=Path,
        help="skip stage 1: take the ViT and Q-Former of a checkpoint (stage1.pt), then train stages 3 and 2 anew",
    )
    parser.add_argument(
        "--no-time-budget",
        action="store_true",
        help="run every planned stage-3 step even past the recipe's time_budget_minutes (to reproduce a bundle exactly)",
    )
    args = parser.parse_args(argv)

    recipe = load_recipe(args.recipe)
    torch.set_num_threads(args.threads or recipe.threads)
    seed_everything(recipe.seed)
    started = time.monotonic()
    kb = load_knowledge_base(args.kb)
    tokenizer = load_tokenizer()
    model = RaBlip(load_config(recipe.model_config))
    load_minilm(model.q_former)
    load_minilm_fusion(model.fusion, first_layer=model.config.qformer.n_layers)
    init_generator_embeddings(model)
    # Stage 1's captioning loss trains the generator on one fixed prompt at the full learning rate, which wears away
    # the pretrained MiniLM layers of its encoder; stage 3 starts from this initial generator on every path.
    initial_generator = copy.deepcopy(model.generator.state_dict())
    args.work.mkdir(parents=True, exist_ok=True)
    log = TrainLog(args.work / "log.jsonl")
    if args.resume is None:
        (args.work / "log.jsonl").write_text("")

    if args.resume is None:
        run_stage1(model, tokenizer, kb, recipe.stage1, log, recipe.seed)
        save_checkpoint(args.work / "stage1.pt", model, {})
        model.generator.load_state_dict(initial_generator)
    else:
        # Only stage 1's weights: the checkpoint's generator may have another shape (a rerun of stage 3 with a new
        # generator config is what --resume is for), and the fusion module is trained again after stage 3.
        trained = load_checkpoint(args.resume).state_dict
        model.load_state_dict(
            {k: v for k, v in trained.items() if k.startswith(("vit.", "q_former."))}, strict=False
        )
    # Stage 2 runs after stage 3 when stage 3 fine-tunes the Q-Former's query path (qformer_lr_scale): the fusion
    # module embeds image knowledge from those query outputs. A generator that reads retrieval scores, or is trained
    # on retrieved distractors, needs the trained fusion module in stage 3, so stage 2 then runs first, and the two
    # cannot be combined.
    deadline = None
    if recipe.time_budget_minutes is not None and not args.no_time_budget:
        deadline = started + 60 * (recipe.time_budget_minutes - recipe.reserve_minutes)
    scorer = None
    if model.config.generator.reference_scores or recipe.stage3.retrieved_distractors:
        if recipe.stage3.qformer_lr_scale is not None:
            raise ValueError("retrieval scores and retrieved distractors need a frozen Q-Former in stage 3")
        run_stage2(model, tokenizer, kb, recipe.stage2, log, recipe.seed + 1)
        with autocast(recipe.stage3.precision):
            scorer = ReferenceScorer(model, tokenizer, kb)
        stage3_steps = run_stage3(
            model, tokenizer, kb, recipe.stage3, log, recipe.seed + 2, scorer=scorer, deadline=deadline
        )
    else:
        stage3_steps = run_stage3(model, tokenizer, kb, recipe.stage3, log, recipe.seed + 2, deadline=deadline)
        run_stage2(model, tokenizer, kb, recipe.stage2, log, recipe.seed + 1)
    ablation = None
    if recipe.ablation_stage3 and args.ablation_bundle:
        # The same ViT, Q-Former and fusion; only the generator is trained again, without ASKG.
        ablation = copy.deepcopy(model)
        ablation.generator.load_state_dict(initial_generator)
    train_minutes = round((time.monotonic() - started) / 60, 2)
    save_checkpoint(args.work / "model.pt", model, {"train_minutes": train_minutes})
    metrics = {"train_minutes": train_minutes, "stage3_steps": stage3_steps}
    summaries = {"main": dataclasses.asdict(export_bundle(model, args.bundle, metrics, args.quantize))}
    if args.quantize:  # the fp32 twin, to check that quantisation costs at most a point of accuracy
        summaries["main_fp32"] = dataclasses.asdict(export_bundle(model, args.work / "bundle-fp32", metrics, None))
    if ablation is not None and recipe.ablation_stage3 is not None and args.ablation_bundle is not None:
        run_stage3(ablation, tokenizer, kb, recipe.ablation_stage3, log, recipe.seed + 3, "no_askg", scorer)
        save_checkpoint(args.work / "no-askg.pt", ablation, {})
        summaries["no_askg"] = dataclasses.asdict(export_bundle(ablation, args.ablation_bundle, {}, args.quantize))
    summaries["total_minutes"] = round((time.monotonic() - started) / 60, 2)  # type: ignore[assignment]
    print(json.dumps(summaries), file=sys.stdout)


if __name__ == "__main__":
    main()
