"""Stage 3 fine-tunes only the Q-Former's query path when the recipe asks for it, and the optimiser honours the
per-subset learning-rate factors."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from training.ra_blip.config import load_config
from training.ra_blip.minilm import load_tokenizer
from training.ra_blip.model import RaBlip
from training.recipe.kb_data import load_knowledge_base
from training.recipe.optim import make_optimisation
from training.recipe.recipe_config import Stage3Config, load_recipe
from training.recipe.stage3_generator import run_stage3
from training.recipe.train_log import TrainLog
from training.tests.test_train_smoke import write_kb


def _snapshot(module: torch.nn.Module) -> dict[str, torch.Tensor]:
    return {name: p.detach().clone() for name, p in module.named_parameters()}


def _changed(before: dict[str, torch.Tensor], module: torch.nn.Module) -> set[str]:
    return {name for name, p in module.named_parameters() if not torch.equal(before[name], p.detach())}


@pytest.mark.parametrize("qformer_lr_scale", [None, 0.5])
def test_stage3_trains_the_query_path_only_when_asked(tmp_path: Path, qformer_lr_scale: float | None) -> None:
    write_kb(tmp_path / "kb")
    kb = load_knowledge_base(tmp_path / "kb")
    torch.manual_seed(0)
    model = RaBlip(load_config("training/configs/smoke.json"))
    vit, qformer = _snapshot(model.vit), _snapshot(model.q_former)
    config = Stage3Config(steps=3, batch_size=4, lr=1e-3, max_references=4, qformer_lr_scale=qformer_lr_scale)
    run_stage3(model, load_tokenizer(), kb, config, TrainLog(tmp_path / "log.jsonl"), seed=1)

    assert not _changed(vit, model.vit), "the ViT stays frozen"
    changed = _changed(qformer, model.q_former)
    if qformer_lr_scale is None:
        assert not changed
    else:
        assert "query_tokens" in changed
        assert any(".cross_attn." in name for name in changed)
        # The text branch is what retrieval and the generator's prompt embeddings read.
        assert not any(name.startswith("embeddings.") or ".self_attn." in name for name in changed), changed


def test_ablation_recipe_may_not_train_the_qformer(tmp_path: Path) -> None:
    recipe = tmp_path / "recipe.json"
    recipe.write_text(
        '{"seed": 1, "model_config": "x", "threads": 1,'
        ' "stage1": {"steps": 1, "batch_size": 1, "lr": 0.1},'
        ' "stage2": {"steps": 1, "batch_size": 1, "lr": 0.1, "max_questions": 1},'
        ' "stage3": {"steps": 1, "batch_size": 1, "lr": 0.1, "max_references": 1, "qformer_lr_scale": 0.5},'
        ' "ablation_stage3": {"steps": 1, "batch_size": 1, "lr": 0.1, "max_references": 1, "askg": false,'
        ' "qformer_lr_scale": 0.5}}'
    )
    with pytest.raises(ValueError, match="generator only"):
        load_recipe(recipe)


def test_make_optimisation_scales_each_subset() -> None:
    fresh, pretrained, query = (torch.nn.Parameter(torch.zeros(2)) for _ in range(3))
    frozen = torch.nn.Parameter(torch.zeros(2), requires_grad=False)
    opt = make_optimisation([fresh, pretrained, query, frozen], 1e-3, 100, [([pretrained], 0.1), ([query], 0.5)])
    groups = {round(g["initial_lr"], 8): g["params"] for g in opt.optimizer.param_groups}
    assert groups == {1e-3: [fresh], 1e-4: [pretrained], 5e-4: [query]}
    assert opt.parameters == [fresh, pretrained, query]
