"""AdamW with linear warm-up then cosine decay, over the parameters that require grad; an optional moving average of
the weights."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import torch


class WarmupCosine:
    """Learning-rate factor of a step: linear warm-up over the first 5 % of the planned steps, then cosine decay to
    0.05 at `total`. `total` may be changed while training (a time budget shortens the run); the warm-up stays."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.warmup = max(1, total // 20)

    def __call__(self, step: int) -> float:
        if step < self.warmup:
            return (step + 1) / self.warmup
        progress = (step - self.warmup) / max(1, self.total - self.warmup)
        return 0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * min(1.0, progress)))


@dataclass
class Optimisation:
    optimizer: torch.optim.AdamW
    scheduler: torch.optim.lr_scheduler.LambdaLR
    parameters: list[torch.nn.Parameter]
    schedule: WarmupCosine

    def set_total_steps(self, total: int) -> None:
        """Re-plans the decay to end at `total` steps; the next step's learning rate follows the new plan."""
        self.schedule.total = total

    def step(self, loss: torch.Tensor, max_grad_norm: float = 1.0) -> None:
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()  # type: ignore[no-untyped-call]
        torch.nn.utils.clip_grad_norm_(self.parameters, max_grad_norm)
        self.optimizer.step()
        self.scheduler.step()


def make_optimisation(
    parameters: Iterable[torch.nn.Parameter],
    lr: float,
    steps: int,
    lr_scales: Sequence[tuple[Iterable[torch.nn.Parameter], float]] = (),
) -> Optimisation:
    """Each `(subset, scale)` of `lr_scales` (subsets of `parameters`) learns at `lr * scale`, so fine-tuning keeps
    what pretraining gave while new layers around it learn fast."""
    params = [p for p in parameters if p.requires_grad]
    scale_of = {id(p): scale for subset, scale in lr_scales for p in subset}
    by_scale: dict[float, list[torch.nn.Parameter]] = {}
    for p in params:
        by_scale.setdefault(scale_of.get(id(p), 1.0), []).append(p)
    groups = [{"params": group, "lr": lr * scale} for scale, group in by_scale.items()]
    optimizer = torch.optim.AdamW(groups, weight_decay=0.01)
    schedule = WarmupCosine(steps)
    return Optimisation(optimizer, torch.optim.lr_scheduler.LambdaLR(optimizer, schedule), params, schedule)


class WeightAverage:
    """Exponential moving average of parameters (Polyak averaging) over about the last 1/(1 - decay) optimiser steps,
    which often generalises better than the last iterate; for this recipe two paired runs put the gain inside the
    seed spread (docs/model-card.md). The copies stay fp32 whatever the autocast precision."""

    def __init__(self, parameters: Iterable[torch.nn.Parameter], decay: float) -> None:
        self.parameters = [p for p in parameters if p.requires_grad]
        self.decay = decay
        self.average = [p.detach().clone() for p in self.parameters]

    @torch.no_grad()
    def update(self) -> None:
        torch._foreach_lerp_(self.average, [p.detach() for p in self.parameters], 1.0 - self.decay)

    @torch.no_grad()
    def copy_to_parameters(self) -> None:
        """Replaces the trained parameters by their average (what gets exported)."""
        for param, average in zip(self.parameters, self.average):
            param.copy_(average)
