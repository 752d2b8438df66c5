"""Fits a training stage's step count to a wall-clock deadline, from the step time measured on this machine.

The demo recipe must train from scratch within its time budget on whatever 2-core machine runs it, and step times
differ by machine (bf16 matrix units or not). A stage with a deadline measures its own steps and, where the planned
count would overrun, trains fewer: the learning-rate decay is re-planned to end at the new count, so a shortened
run still finishes its schedule instead of being cut off at a high learning rate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field


def steps_that_fit(step: int, seconds_per_step: float, seconds_left: float, planned: int) -> int:
    """The total step count that ends by the deadline after `step` steps, within [step, planned]."""
    if seconds_per_step <= 0:
        return planned
    return max(step, min(planned, step + math.floor(max(seconds_left, 0.0) / seconds_per_step)))


@dataclass
class StepBudget:
    """`planned` steps, to end by `deadline` (a `time.monotonic()` value); `total` is the current plan. It is
    estimated every `plan_every` steps (a 20th of the plan, at most 100) from the mean step time after the first
    `warm_steps` (which compile and fill caches)."""

    planned: int
    deadline: float
    total: int = field(init=False)
    plan_every: int = field(init=False)
    warm_steps: int = field(init=False)
    warm_at: float | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self.total = self.planned
        self.plan_every = min(100, max(1, self.planned // 20))
        self.warm_steps = min(10, self.plan_every)

    def after_step(self, step: int, now: float) -> int | None:
        """Call after each step with `time.monotonic()`; returns the new total when the plan changed, else None."""
        if step == self.warm_steps:
            self.warm_at = now
        if self.warm_at is None or step == self.warm_steps or step % self.plan_every != 0 or step >= self.total:
            return None
        seconds_per_step = (now - self.warm_at) / (step - self.warm_steps)
        total = steps_that_fit(step, seconds_per_step, self.deadline - now, self.planned)
        if total == self.total:
            return None
        self.total = total
        return total
