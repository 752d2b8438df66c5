"""Exports the tiny config (random init, fixed seed) to build/parity/ra-blip-tiny/, writes fixture.json for the
TypeScript parity tests, and checks in Python that ONNX Runtime reproduces PyTorch on every graph and in decoding."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime as ort
import pytest
import torch
from tokenizers import Tokenizer

from training.export import check_decoder, export_bundle
from training.ra_blip import (
    DecodeStep,
    GenerationConfig,
    KeyValue,
    RaBlip,
    RaBlipConfig,
    beam_search,
    greedy_search,
)
from training.ra_blip.graphs import kv_names
from training.ra_blip.onnx_bundle import GraphSpec, TensorSpec, open_session, write_json
from training.ra_blip.parity import build_parity_fixture

BUNDLE_DIR = Path(__file__).resolve().parents[2] / "build" / "parity" / "ra-blip-tiny"
# Random weights: a seed whose greedy sequences are not one copied token repeated (the copy head makes that common).
PARITY_SEED = 0
TOLERANCE = 1e-4
GENERATE_CASES = ("generate", "generate_question_image", "generate_no_image")


@dataclass
class ParityBundle:
    model: RaBlip
    directory: Path
    fixture: dict[str, Any]
    sessions: dict[str, ort.InferenceSession]


@pytest.fixture(scope="module")
def bundle(tiny_config: RaBlipConfig, tokenizer: Tokenizer) -> Iterator[ParityBundle]:
    torch.manual_seed(PARITY_SEED)
    model = RaBlip(tiny_config).eval()
    shutil.rmtree(BUNDLE_DIR, ignore_errors=True)
    export_bundle(model, BUNDLE_DIR, metrics={})
    fixture = build_parity_fixture(model, tokenizer, seed=PARITY_SEED)
    write_json(BUNDLE_DIR / "fixture.json", fixture, indent=None)
    manifest = json.loads((BUNDLE_DIR / "manifest.json").read_text())
    sessions = {name: open_session(BUNDLE_DIR / graph["file"]) for name, graph in manifest["graphs"].items()}
    yield ParityBundle(model, BUNDLE_DIR, fixture, sessions)


def _array(entry: dict[str, Any]) -> np.ndarray:
    return np.asarray(entry["data"], dtype=np.float32).reshape(entry["shape"])


def _ids(rows: list[list[int]]) -> np.ndarray:
    return np.asarray(rows, dtype=np.int64)


def _assert_close(actual: np.ndarray, expected: np.ndarray, what: str) -> None:
    assert actual.shape == expected.shape, what
    diff = float(np.abs(actual - expected).max())
    assert diff <= TOLERANCE, f"{what}: max abs diff {diff}"


def test_encoder_graphs_match_pytorch(bundle: ParityBundle) -> None:
    fx, run = bundle.fixture, bundle.sessions
    image_embeds = run["vision"].run(None, {"pixel_values": _array(fx["pixel_values"])})[0]
    _assert_close(image_embeds, _array(fx["image_embeds"]), "vision.image_embeds")
    feeds = {
        "image_embeds": image_embeds,
        "input_ids": _ids(fx["qformer"]["input_ids"]),
        "attention_mask": _ids(fx["qformer"]["attention_mask"]),
    }
    _assert_close(run["qformer"].run(None, feeds)[0], _array(fx["qformer"]["query_output"]), "qformer.query_output")
    text = fx["embed_text"]
    feeds = {"input_ids": _ids(text["input_ids"]), "attention_mask": _ids(text["attention_mask"])}
    _assert_close(run["embed_text"].run(None, feeds)[0], _array(text["embedding"]), "embed_text.embedding")
    knowledge = fx["embed_knowledge"]
    feeds = {
        "image_embeds": image_embeds,
        "input_ids": _ids(knowledge["input_ids"]),
        "attention_mask": _ids(knowledge["attention_mask"]),
    }
    query_output = run["qformer"].run(None, feeds)[0]
    _assert_close(query_output, _array(knowledge["query_output"]), "qformer.query_output (captions)")
    feeds = {"query_output": query_output, "input_ids": feeds["input_ids"], "attention_mask": feeds["attention_mask"]}
    _assert_close(run["embed_knowledge"].run(None, feeds)[0], _array(knowledge["embedding"]), "embed_knowledge")


@pytest.mark.parametrize("case", GENERATE_CASES)
def test_generator_graphs_and_decoding_match_pytorch(bundle: ParityBundle, case: str) -> None:
    gen = bundle.model.config.generator
    fx = bundle.fixture[case]
    prompt_ids = _ids([fx["prompt_ids"]])
    prompt_mask = np.ones_like(prompt_ids)
    encoder_feeds = {"input_ids": prompt_ids, "attention_mask": prompt_mask, "image_queries": _array(fx["image_queries"])}
    if gen.reference_scores:
        encoder_feeds["reference_scores"] = np.array([[r["score"] for r in fx["references"]] or [0.0]], np.float32)
    outputs = bundle.sessions["gen_encoder"].run(None, encoder_feeds)
    _assert_close(outputs[0], _array(fx["encoder_hidden"]), f"{case}: gen_encoder.encoder_hidden")
    cross = outputs[1:]
    decoder = bundle.sessions["gen_decoder"]
    cross_names = kv_names("cross", gen.n_decoder_layers)
    past_names = kv_names("past", gen.n_decoder_layers)

    def step(input_ids: torch.Tensor, past: list[KeyValue]) -> DecodeStep:
        rows = input_ids.shape[0]
        feeds = {"input_ids": input_ids.numpy(), "encoder_attention_mask": np.repeat(prompt_mask, rows, axis=0)}
        if gen.copy_head:
            feeds["prompt_ids"] = np.repeat(prompt_ids, rows, axis=0)
        feeds.update({name: np.repeat(value, rows, axis=0) for name, value in zip(cross_names, cross, strict=True)})
        feeds.update(
            {
                name: t.numpy()
                for name, t in zip(past_names, [x for kv in past for x in (kv.key, kv.value)], strict=True)
            }
        )
        out = [torch.from_numpy(value) for value in decoder.run(None, feeds)]
        present = [KeyValue(key=out[i], value=out[i + 1]) for i in range(1, len(out), 2)]
        return DecodeStep(logits=out[0], present=present)

    first = step(torch.tensor([[gen.decoder_start_id]]), bundle.model.empty_past(1))
    _assert_close(first.logits.numpy(), _array(fx["first_logits"]), f"{case}: gen_decoder.logits")
    greedy_config = GenerationConfig(fx["max_new_tokens"], gen.eos_id, gen.decoder_start_id, fx["min_new_tokens"])
    greedy = greedy_search(step, bundle.model.empty_past(1), greedy_config)
    assert greedy.sequences[0] == fx["greedy_ids"]
    assert len(fx["greedy_ids"]) == fx["max_new_tokens"]
    assert len(set(fx["greedy_ids"])) > 1, "random-weight greedy decoding collapsed onto one token"
    beams = fx["num_beams"]
    beam_config = GenerationConfig(
        fx["max_new_tokens"], gen.eos_id, gen.decoder_start_id, fx["min_new_tokens"], beams, fx["length_penalty"]
    )
    assert beam_search(step, bundle.model.empty_past(beams), beam_config).ids == fx["beam_ids"]


def test_decoder_graph_runs_from_past_lengths_zero_one_and_many(bundle: ParityBundle) -> None:
    manifest = json.loads((bundle.directory / "manifest.json").read_text())
    graph = manifest["graphs"]["gen_decoder"]
    spec = GraphSpec(
        "gen_decoder",
        graph["file"],
        tuple(TensorSpec(t["name"], t["dtype"], tuple(t["shape"])) for t in graph["inputs"]),
        tuple(TensorSpec(t["name"], t["dtype"], tuple(t["shape"])) for t in graph["outputs"]),
    )
    check_decoder(bundle.model, bundle.directory, spec, past_lengths=(0, 1, 2, 40))


def test_bundle_stores_each_tensor_once(bundle: ParityBundle) -> None:
    parameter_bytes = sum(p.numel() * 4 for p in bundle.model.parameters())
    weights_bytes = (bundle.directory / "weights.bin").stat().st_size
    # The text branch lives in three graphs; without dedup weights.bin would be far above the parameter bytes.
    assert weights_bytes <= parameter_bytes
    graph_bytes = sum(path.stat().st_size for path in bundle.directory.glob("*.onnx"))
    assert graph_bytes < 0.05 * weights_bytes


def test_fixture_tokens_match_the_bundle_tokenizer(bundle: ParityBundle) -> None:
    tokenizer = Tokenizer.from_file(str(bundle.directory / "tokenizer.json"))
    fx = bundle.fixture
    limit = bundle.model.config.qformer.max_instruction_tokens
    long_ids = [i for i, m in zip(fx["qformer"]["input_ids"][1], fx["qformer"]["attention_mask"][1], strict=True) if m]
    assert len(long_ids) == limit and long_ids[0] == 101 and long_ids[-1] == 102
    first = tokenizer.encode(fx["embed_text"]["texts"][0]).ids
    assert fx["embed_text"]["input_ids"][0][: len(first)] == first
    pieces = tokenizer.encode(fx["embed_knowledge"]["captions"][1], add_special_tokens=False).tokens
    assert any(piece.startswith("##") for piece in pieces)
