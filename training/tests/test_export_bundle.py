"""The export CLI: checkpoints must match the config, and int8 bundles keep the contract and roughly the outputs."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest
import torch

from training.export import main
from training.ra_blip import RaBlip, RaBlipConfig
from training.ra_blip.checkpoint import save_checkpoint
from training.ra_blip.onnx_bundle import open_session

TINY = str(Path(__file__).resolve().parents[1] / "configs" / "tiny.json")


def test_a_checkpoint_exports_with_its_metrics(tmp_path: Path, tiny_model: RaBlip) -> None:
    save_checkpoint(tmp_path / "ckpt.pt", tiny_model, {"answerAccuracy": 0.25})
    main(["--config", TINY, "--out", str(tmp_path / "bundle"), "--checkpoint", str(tmp_path / "ckpt.pt")])
    manifest = json.loads((tmp_path / "bundle" / "manifest.json").read_text())
    assert manifest["metrics"]["answerAccuracy"] == 0.25
    assert manifest["model"]["configHash"] == tiny_model.config.hash()
    ids = np.array([[101, 7592, 2088, 102]], dtype=np.int64)
    feeds = {"input_ids": ids, "attention_mask": np.ones_like(ids)}
    embedding = open_session(tmp_path / "bundle" / "embed_text.onnx").run(None, feeds)[0]
    with torch.no_grad():
        expected = tiny_model.embed_text(torch.from_numpy(ids), torch.from_numpy(feeds["attention_mask"]))
    assert np.abs(embedding - expected.numpy()).max() < 1e-4


def test_a_checkpoint_of_another_config_is_refused(tmp_path: Path, tiny_config: RaBlipConfig) -> None:
    other = dataclasses.replace(tiny_config, init_std=0.1)
    save_checkpoint(tmp_path / "ckpt.pt", RaBlip(other), {})
    with pytest.raises(ValueError, match="another config"):
        main(["--config", TINY, "--out", str(tmp_path / "bundle"), "--checkpoint", str(tmp_path / "ckpt.pt")])


def test_a_checkpoint_is_released_under_the_config_version(tmp_path: Path, tiny_config: RaBlipConfig) -> None:
    earlier = dataclasses.replace(tiny_config, version="2000.01.01")
    save_checkpoint(tmp_path / "ckpt.pt", RaBlip(earlier), {})
    main(["--config", TINY, "--out", str(tmp_path / "bundle"), "--checkpoint", str(tmp_path / "ckpt.pt")])
    manifest = json.loads((tmp_path / "bundle" / "manifest.json").read_text())
    assert manifest["model"]["version"] == tiny_config.version
    assert manifest["model"]["configHash"] == tiny_config.hash()


def test_int8_bundles_keep_the_io_contract_and_approximate_fp32(tmp_path: Path, tiny_config: RaBlipConfig) -> None:
    fp32, int8 = tmp_path / "fp32", tmp_path / "int8"
    main(["--config", TINY, "--out", str(fp32), "--random-init", "--seed", "3"])
    main(["--config", TINY, "--out", str(int8), "--random-init", "--seed", "3", "--quantize", "int8"])
    assert (int8 / "weights.bin").stat().st_size < 0.5 * (fp32 / "weights.bin").stat().st_size
    manifest = json.loads((int8 / "manifest.json").read_text())
    assert manifest["graphs"] == json.loads((fp32 / "manifest.json").read_text())["graphs"]
    ids = np.array([[101, 2054, 2003, 1996, 3007, 1997, 2605, 1029, 102]], dtype=np.int64)
    feeds = {"input_ids": ids, "attention_mask": np.ones_like(ids)}
    a = open_session(fp32 / "embed_text.onnx").run(None, feeds)[0][0]
    b = open_session(int8 / "embed_text.onnx").run(None, feeds)[0][0]
    assert float(a @ b) > 0.9  # both unit vectors
    gen = tiny_config.generator
    shape = (1, gen.n_heads, 0, gen.d_head)
    decoder_feeds: dict[str, np.ndarray] = {
        "input_ids": np.array([[gen.decoder_start_id]], dtype=np.int64),
        "encoder_attention_mask": np.ones((1, 3), dtype=np.int64),
    }
    if gen.copy_head:
        decoder_feeds["prompt_ids"] = np.array([[2054, 2003, gen.eos_id]], dtype=np.int64)
    for layer in range(gen.n_decoder_layers):
        for kind in ("k", "v"):
            decoder_feeds[f"cross_{layer}_{kind}"] = np.random.default_rng(0).standard_normal(
                (1, gen.n_heads, 3, gen.d_head), dtype=np.float32
            )
            decoder_feeds[f"past_{layer}_{kind}"] = np.zeros(shape, dtype=np.float32)
    logits = open_session(int8 / "gen_decoder.onnx").run(["logits"], decoder_feeds)[0]
    assert logits.shape == (1, gen.vocab_size) and np.isfinite(logits).all()
