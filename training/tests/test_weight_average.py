"""The moving average of stage 3's weights: what it averages, what it leaves alone, and the recipe's bounds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from training.recipe.optim import WeightAverage
from training.recipe.recipe_config import load_recipe

CONFIG_DIR = Path("training/configs")


def test_average_follows_each_update_at_its_decay_and_skips_frozen_parameters() -> None:
    trained = torch.nn.Parameter(torch.zeros(3))
    frozen = torch.nn.Parameter(torch.full((2,), 5.0), requires_grad=False)
    average = WeightAverage([trained, frozen], decay=0.75)
    with torch.no_grad():
        trained.fill_(4.0)
    average.update()  # 0.75 * 0 + 0.25 * 4
    with torch.no_grad():
        trained.fill_(8.0)
    average.update()  # 0.75 * 1 + 0.25 * 8
    assert len(average.average) == 1
    assert torch.allclose(trained, torch.full((3,), 8.0))  # updates never touch the trained weights
    average.copy_to_parameters()
    assert torch.allclose(trained, torch.full((3,), 2.75))
    assert torch.equal(frozen, torch.full((2,), 5.0))


def test_average_of_a_constant_trajectory_is_that_point() -> None:
    param = torch.nn.Parameter(torch.randn(4, 4))
    start = param.detach().clone()
    average = WeightAverage([param], decay=0.998)
    for _ in range(5):
        average.update()
    average.copy_to_parameters()
    assert torch.allclose(param, start)


@pytest.mark.parametrize("decay", [0.0, 1.0, 1.5, -0.1])
def test_a_recipe_with_a_decay_outside_the_open_unit_interval_is_refused(tmp_path: Path, decay: float) -> None:
    recipe = json.loads((CONFIG_DIR / "recipe-smoke.json").read_text())
    recipe["stage3"]["ema_decay"] = decay
    path = tmp_path / "recipe.json"
    path.write_text(json.dumps(recipe))
    with pytest.raises(ValueError, match="ema_decay must be in"):
        load_recipe(path)
