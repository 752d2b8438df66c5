"""Checkpoints that carry their config and metrics, so an export can prove it matches the config it was asked for."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import torch

from .config import RaBlipConfig
from .model import RaBlip


@dataclass
class Checkpoint:
    """A trained model's config, weights and the eval numbers that go into the manifest's `metrics`."""

    config: RaBlipConfig
    state_dict: dict[str, torch.Tensor]
    metrics: dict[str, float]


def save_checkpoint(path: str | Path, model: RaBlip, metrics: dict[str, float]) -> None:
    torch.save({"config": model.config.to_dict(), "state_dict": model.state_dict(), "metrics": metrics}, str(path))


def load_checkpoint(path: str | Path) -> Checkpoint:
    raw = torch.load(str(path), map_location="cpu", weights_only=True)
    if not isinstance(raw, dict) or not {"config", "state_dict", "metrics"} <= set(raw):
        raise ValueError(f"{path}: not a RA-BLIP checkpoint (needs config, state_dict, metrics)")
    return Checkpoint(
        config=RaBlipConfig.from_dict(raw["config"]),
        state_dict=raw["state_dict"],
        metrics={str(key): float(value) for key, value in raw["metrics"].items()},
    )
