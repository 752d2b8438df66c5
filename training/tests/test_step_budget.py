"""A time budget shortens stage 3 to the steps that fit, and the learning-rate decay still ends at its floor."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import torch

from training.ra_blip.config import load_config
from training.ra_blip.minilm import load_tokenizer
from training.ra_blip.model import RaBlip
from training.recipe.kb_data import load_knowledge_base
from training.recipe.optim import make_optimisation
from training.recipe.recipe_config import Stage3Config
from training.recipe.stage3_generator import run_stage3
from training.recipe.step_budget import StepBudget, steps_that_fit
from training.recipe.train_log import TrainLog
from training.tests.test_train_smoke import write_kb


def test_steps_that_fit_stay_between_the_steps_done_and_the_plan() -> None:
    assert steps_that_fit(100, 1.0, 500.0, 2800) == 600
    assert steps_that_fit(100, 1.0, 1e6, 2800) == 2800  # never more than planned
    assert steps_that_fit(100, 1.0, -30.0, 2800) == 100  # past the deadline: stop now
    assert steps_that_fit(100, 0.0, 10.0, 2800) == 2800  # no measurement yet


def test_budget_replans_from_the_measured_step_time() -> None:
    budget = StepBudget(planned=2000, deadline=1000.0)  # plan every 100 steps, timed from step 10
    assert (budget.plan_every, budget.warm_steps) == (100, 10)
    now = 0.0
    changes = {}
    for step in range(1, 2001):
        now += 5.0 if step <= 10 else 1.0  # slow compiled first steps are not counted
        change = budget.after_step(step, now)
        if change is not None:
            changes[step] = change
        if step >= budget.total:
            break
    # At step 100 (140 s in): 1 s a step after warm-up, 860 s left -> 960 steps; later estimates agree.
    assert changes == {100: 960}
    assert budget.total == 960


def test_shortened_schedule_still_decays_to_its_floor() -> None:
    weight = torch.nn.Parameter(torch.zeros(1))
    opt = make_optimisation([weight], 1.0, 1000)
    for _ in range(100):
        opt.optimizer.step()
        opt.scheduler.step()
    opt.set_total_steps(200)
    for _ in range(100):
        opt.optimizer.step()
        opt.scheduler.step()
    assert opt.optimizer.param_groups[0]["lr"] == pytest.approx(0.05)


def test_stage3_stops_at_a_past_deadline(tmp_path: Path) -> None:
    write_kb(tmp_path / "kb")
    kb = load_knowledge_base(tmp_path / "kb")
    torch.manual_seed(0)
    model = RaBlip(load_config("training/configs/smoke.json"))
    config = Stage3Config(steps=40, batch_size=4, lr=1e-3, max_references=4)
    log = TrainLog(tmp_path / "log.jsonl")
    steps = run_stage3(model, load_tokenizer(), kb, config, log, seed=1, deadline=time.monotonic())
    # 40 planned steps re-plan every 2, timed from step 2: the first estimate, at step 4, finds no time left.
    assert steps == 4
    assert len((tmp_path / "log.jsonl").read_text().splitlines()) == 4
