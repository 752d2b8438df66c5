"""Loss logging for the recipe: one JSON line per logged step in `log.jsonl`, a progress line on stderr."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


class TrainLog:
    """Appends `{stage, step, elapsed_s, **losses}` rows; prints every `every` steps."""

    def __init__(self, path: Path, every: int = 10) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.every = every
        self.start = time.monotonic()

    def record(self, stage: str, step: int, total: int, **losses: float) -> None:
        row = {"stage": stage, "step": step, "elapsed_s": round(time.monotonic() - self.start, 1)}
        row.update({k: round(float(v), 5) for k, v in losses.items()})
        with open(self.path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(row) + "\n")
        if step % self.every == 0 or step == total:
            parts = " ".join(f"{k}={v:.4f}" for k, v in losses.items())
            print(f"[{stage}] {step}/{total} {row['elapsed_s']}s {parts}", file=sys.stderr, flush=True)
