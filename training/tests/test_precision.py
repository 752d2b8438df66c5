"""Training precision: bf16 autocast per stage, fp32 contrastive scores, and recipe validation of every stage."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from training.recipe.precision import autocast, similarity
from training.tests.conftest import CONFIG_DIR
from training.recipe.recipe_config import load_recipe


def test_bf16_runs_linear_layers_in_bf16_and_fp32_leaves_them_alone() -> None:
    layer = torch.nn.Linear(8, 4)
    x = torch.randn(2, 8)
    with autocast("bf16"):
        assert layer(x).dtype == torch.bfloat16
    with autocast("fp32"):
        assert layer(x).dtype == torch.float32
    assert layer.weight.dtype == torch.float32  # weights stay fp32 for the optimiser


def test_similarity_is_fp32_even_inside_bf16_autocast() -> None:
    a = torch.nn.functional.normalize(torch.randn(5, 16), dim=-1)
    b = torch.nn.functional.normalize(torch.randn(7, 16), dim=-1)
    with autocast("bf16"):
        scores = similarity(a.to(torch.bfloat16), b.to(torch.bfloat16))
    assert scores.dtype == torch.float32 and scores.shape == (5, 7)
    expected = a.to(torch.bfloat16).float() @ b.to(torch.bfloat16).float().T
    assert torch.allclose(scores, expected, atol=1e-6)


@pytest.mark.parametrize("stage", ["stage1", "stage2", "stage3", "ablation_stage3"])
def test_a_recipe_with_an_unknown_precision_is_refused(tmp_path: Path, stage: str) -> None:
    recipe = json.loads((CONFIG_DIR / "recipe-smoke.json").read_text())
    recipe[stage]["precision"] = "fp8"
    path = tmp_path / "recipe.json"
    path.write_text(json.dumps(recipe))
    with pytest.raises(ValueError, match="precision 'fp8'"):
        load_recipe(path)


def test_the_demo_and_smoke_recipes_train_every_stage_in_bf16() -> None:
    for name in ("recipe-demo.json", "recipe-smoke.json"):
        recipe = load_recipe(CONFIG_DIR / name)
        stages = [recipe.stage1, recipe.stage2, recipe.stage3, recipe.ablation_stage3]
        assert [s.precision for s in stages if s is not None] == ["bf16"] * 4, name
