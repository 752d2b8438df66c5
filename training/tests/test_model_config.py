"""Configs load from JSON strictly, validate themselves, and hash canonically."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from training.ra_blip import RaBlip, RaBlipConfig, load_config
from training.ra_blip.checkpoint import load_checkpoint, save_checkpoint


def _write(tmp_path: Path, config: RaBlipConfig, **changes: object) -> Path:
    data = config.to_dict()
    for dotted, value in changes.items():
        section, _, key = dotted.partition("__")
        if key:
            data[section][key] = value
        else:
            data[section] = value
    path = tmp_path / "config.json"
    path.write_text(json.dumps(data))
    return path


def test_demo_config_fits_minilm_and_the_bundle_contract(demo_config: RaBlipConfig) -> None:
    assert demo_config.vit.n_patch == (64 // 8) ** 2 + 1
    qformer = demo_config.qformer
    assert (qformer.d_qformer, qformer.n_heads, qformer.d_ff, qformer.vocab_size) == (384, 12, 1536, 30522)
    assert qformer.n_layers <= 6  # all-MiniLM-L6-v2 has 6 layers
    gen = demo_config.generator
    assert (gen.pad_id, gen.decoder_start_id, gen.eos_id, gen.image_token_id) == (0, 101, 102, 1)


def test_a_round_trip_through_json_keeps_the_hash(tmp_path: Path, tiny_config: RaBlipConfig) -> None:
    again = load_config(_write(tmp_path, tiny_config))
    assert again == tiny_config and again.hash() == tiny_config.hash()
    assert load_config(_write(tmp_path, tiny_config, init_std=0.1)).hash() != tiny_config.hash()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"vit__surprise": 1}, "unknown keys"),
        ({"qformer__n_heads": 5}, "divisible"),
        ({"generator__eos_id": 40000}, "token id"),
        ({"vit__patch_size": 5}, "multiple"),
        ({"generator__dropout": 1.0}, "dropout"),
    ],
)
def test_bad_configs_are_rejected(
    tmp_path: Path, tiny_config: RaBlipConfig, change: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        load_config(_write(tmp_path, tiny_config, **change))


def test_a_missing_key_is_rejected(tmp_path: Path, tiny_config: RaBlipConfig) -> None:
    data = tiny_config.to_dict()
    del data["fusion"]["d_embed"]
    path = tmp_path / "config.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ValueError, match="missing keys"):
        load_config(path)


def test_checkpoints_carry_config_weights_and_metrics(tmp_path: Path, tiny_model: RaBlip) -> None:
    save_checkpoint(tmp_path / "ckpt.pt", tiny_model, {"answerAccuracy": 0.5})
    loaded = load_checkpoint(tmp_path / "ckpt.pt")
    assert loaded.config == tiny_model.config
    assert loaded.metrics == {"answerAccuracy": 0.5}
    assert set(loaded.state_dict) == set(tiny_model.state_dict())
