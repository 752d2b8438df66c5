"""Training precision: bf16 autocast per stage, fp32 contrastive scores, and recipe validation of every stage."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from training.recipe import precision
from training.recipe.precision import (
    autocast,
    choose_precision,
    resolve_precision,
    similarity,
    time_linear,
    time_linear_both,
)
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


def test_the_demo_recipe_measures_its_precision_and_the_smoke_recipe_always_runs_bf16() -> None:
    # The demo recipe must fit its time budget on CPUs without bf16 units too; the smoke recipe keeps the bf16 path
    # under test on every machine.
    for name, precision in (("recipe-demo.json", "auto"), ("recipe-smoke.json", "bf16")):
        recipe = load_recipe(CONFIG_DIR / name)
        stages = [recipe.stage1, recipe.stage2, recipe.stage3, recipe.ablation_stage3]
        assert [s.precision for s in stages if s is not None] == [precision] * 4, name


def test_auto_takes_bf16_only_where_it_is_faster() -> None:
    assert choose_precision(fp32_seconds=0.009, bf16_seconds=0.082) == "fp32"  # AVX2 only: no bf16 kernels
    assert choose_precision(fp32_seconds=0.009, bf16_seconds=0.004) == "bf16"  # AVX512-BF16 or AMX
    assert choose_precision(fp32_seconds=0.009, bf16_seconds=0.009) == "fp32"  # no gain, no rounding


def test_auto_resolves_to_a_real_precision_once_and_autocasts_accordingly() -> None:
    resolved = resolve_precision("auto")
    assert resolved in ("fp32", "bf16") and resolve_precision("auto") == resolved
    assert resolve_precision("fp32") == "fp32" and resolve_precision("bf16") == "bf16"
    with autocast("auto"):
        out = torch.nn.Linear(8, 4)(torch.randn(2, 8))
    assert out.dtype == (torch.bfloat16 if resolved == "bf16" else torch.float32)


def test_measuring_the_precision_leaves_the_seeded_random_stream_alone() -> None:
    torch.manual_seed(7)
    expected = torch.rand(3)
    torch.manual_seed(7)
    assert time_linear(False, rows=8, d_in=8, d_out=8, repeats=1) > 0
    assert torch.equal(torch.rand(3), expected)


def test_both_precisions_are_timed_in_alternating_rounds(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[bool] = []

    def fake_time_linear(bf16: bool, repeats: int = 5) -> float:
        calls.append(bf16)
        return 0.002 if bf16 else 0.003 - 0.0001 * len(calls)

    monkeypatch.setattr(precision, "time_linear", fake_time_linear)
    fp32, bf16 = time_linear_both(rounds=3)
    assert calls == [False, True, False, True, False, True]
    assert fp32 == pytest.approx(0.003 - 0.0005) and bf16 == 0.002
