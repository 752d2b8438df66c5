"""Training precision of a recipe stage: fp32, or bf16 autocast on the CPU (AVX512-BF16 roughly halves a step).

Weights and optimiser state stay fp32 either way; only the forward matmuls run in bf16. The exported graphs are fp32.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import torch

PRECISIONS = ("fp32", "bf16")


def check_precision(precision: str, stage: str) -> None:
    """Raises a ValueError naming the stage when `precision` is not one of PRECISIONS."""
    if precision not in PRECISIONS:
        raise ValueError(f"{stage}: precision {precision!r} is not one of {PRECISIONS}")


@contextlib.contextmanager
def autocast(precision: str) -> Iterator[None]:
    """Runs the block's forward ops in bf16 when `precision` is "bf16"; a no-op for "fp32"."""
    if precision == "bf16":
        with torch.autocast("cpu", dtype=torch.bfloat16):
            yield
    else:
        yield


def similarity(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """`a [rows, d]`, `b [cols, d]` -> fp32 inner products `[rows, cols]`, whatever the inputs' dtype: a contrastive
    temperature of 0.05 multiplies bf16 rounding (8 bits of mantissa) by 20, so scores are always computed in fp32."""
    with torch.autocast("cpu", enabled=False):
        return a.float() @ b.float().T
