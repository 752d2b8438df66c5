"""Training precision of a recipe stage: fp32, bf16 autocast on the CPU, or "auto" (bf16 where this CPU runs it faster).

Weights and optimiser state stay fp32 either way; only the forward matmuls run in bf16. The exported graphs are fp32.
bf16 pays only on a CPU with bf16 matrix instructions (AVX512-BF16 roughly halves a step, AMX more): on an AVX2-only
CPU oneDNN has no bf16 kernels and a stage-3 step took 30x as long as in fp32 (32 s against 1.1 s), so a recipe that
must fit its time budget on any machine asks for "auto", which measures a layer-sized matmul both ways once per process.
"""

from __future__ import annotations

import contextlib
import functools
import sys
import time
from collections.abc import Iterator

import torch

PRECISIONS = ("fp32", "bf16", "auto")


def check_precision(precision: str, stage: str) -> None:
    """Raises a ValueError naming the stage when `precision` is not one of PRECISIONS."""
    if precision not in PRECISIONS:
        raise ValueError(f"{stage}: precision {precision!r} is not one of {PRECISIONS}")


def time_linear(bf16: bool, rows: int = 256, d_in: int = 384, d_out: int = 1536, repeats: int = 5) -> float:
    """Best of `repeats` timings (seconds) of four passes of a BERT-FFN-sized linear layer, under bf16 autocast or not.
    Its tensors come from a private generator: measuring must not move the global RNG that seeds the training run."""
    rng = torch.Generator().manual_seed(0)
    weight, x = torch.randn(d_out, d_in, generator=rng), torch.randn(rows, d_in, generator=rng)
    best = float("inf")
    with torch.no_grad(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
        torch.nn.functional.linear(x, weight)  # the first call picks kernels
        for _ in range(repeats):
            start = time.perf_counter()
            for _ in range(4):
                torch.nn.functional.linear(x, weight)
            best = min(best, time.perf_counter() - start)
    return best


def time_linear_both(rounds: int = 5) -> tuple[float, float]:
    """(fp32, bf16) best timings of `time_linear`, measured in alternating rounds, so that load from other processes
    that comes or goes while measuring weighs on both alike (measured one after the other, an evaluation starting
    beside the probe once made fp32 look faster on a CPU where bf16 is 3x faster)."""
    fp32 = bf16 = float("inf")
    for _ in range(rounds):
        fp32 = min(fp32, time_linear(False, repeats=2))
        bf16 = min(bf16, time_linear(True, repeats=2))
    return fp32, bf16


def choose_precision(fp32_seconds: float, bf16_seconds: float) -> str:
    """bf16 only where it is faster: its rounding is a cost worth paying for speed, never for nothing."""
    return "bf16" if bf16_seconds < fp32_seconds else "fp32"


@functools.cache
def measured_precision() -> str:
    """What "auto" means on this CPU, measured once per process and reported on stderr."""
    fp32, bf16 = time_linear_both()
    chosen = choose_precision(fp32, bf16)
    print(
        f"[precision] auto: {chosen} (a 256x384x1536 linear: fp32 {fp32 * 250:.2f} ms, bf16 {bf16 * 250:.2f} ms)",
        file=sys.stderr,
        flush=True,
    )
    return chosen


def resolve_precision(precision: str) -> str:
    """ "fp32" or "bf16": "auto" resolved by measurement, the others as given."""
    return measured_precision() if precision == "auto" else precision


@contextlib.contextmanager
def autocast(precision: str) -> Iterator[None]:
    """Runs the block's forward ops in bf16 when `precision` resolves to "bf16"; a no-op for "fp32"."""
    if resolve_precision(precision) == "bf16":
        with torch.autocast("cpu", dtype=torch.bfloat16):
            yield
    else:
        yield


def similarity(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """`a [rows, d]`, `b [cols, d]` -> fp32 inner products `[rows, cols]`, whatever the inputs' dtype: a contrastive
    temperature of 0.05 multiplies bf16 rounding (8 bits of mantissa) by 20, so scores are always computed in fp32."""
    with torch.autocast("cpu", enabled=False):
        return a.float() @ b.float().T
