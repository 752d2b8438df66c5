"""Shared fixtures: the tiny config, a seeded tiny model, the bundle tokenizer, and the repository paths."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from tokenizers import Tokenizer

from training.ra_blip import RaBlip, RaBlipConfig, load_config, load_tokenizer

CONFIG_DIR = Path(__file__).resolve().parents[1] / "configs"


@pytest.fixture(scope="session")
def tiny_config() -> RaBlipConfig:
    return load_config(CONFIG_DIR / "tiny.json")


@pytest.fixture(scope="session")
def demo_config() -> RaBlipConfig:
    return load_config(CONFIG_DIR / "demo.json")


@pytest.fixture(scope="session")
def tokenizer() -> Tokenizer:
    return load_tokenizer()


@pytest.fixture()
def tiny_model(tiny_config: RaBlipConfig) -> RaBlip:
    torch.manual_seed(0)
    return RaBlip(tiny_config).eval()
