"""Block-wise int8 weights: the rounding, which nodes are rewritten, and rows that do not depend on their batch."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import numpy_helper

from training.export import main
from training.ra_blip.onnx_bundle import open_session
from training.ra_blip.quantize import quantize_rows

TINY = str(Path(__file__).resolve().parents[1] / "configs" / "tiny.json")


def test_each_block_rounds_to_within_half_its_scale() -> None:
    weight = np.random.default_rng(0).standard_normal((5, 96)).astype(np.float32)
    weight[2] = 0.0
    q = quantize_rows(weight, 32)
    assert q is not None and q.block == 32
    assert q.values.dtype == np.uint8 and q.values.shape == (5, 96) and q.scales.shape == (5, 3)
    restored = (q.values.astype(np.float32) - 128).reshape(5, 3, 32) * q.scales[..., None]
    error = np.abs(restored.reshape(5, 96) - weight).reshape(5, 3, 32).max(axis=2)
    assert (error <= q.scales / 2 + 1e-7).all()
    assert (q.values[2] == 128).all() and (q.scales[2] == 1.0).all()  # an all-zero row stays exact
    assert q.values.min() >= 1  # symmetric: -127..127, so 0 is never used


@pytest.mark.parametrize(("cols", "block"), [(192, 64), (48, 16), (40, None)])
def test_the_block_shrinks_to_divide_the_row(cols: int, block: int | None) -> None:
    q = quantize_rows(np.ones((2, cols), dtype=np.float32), 128)
    assert (q.block if q else None) == block


@pytest.fixture(scope="module")
def tiny_int8(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("int8")
    main(["--config", TINY, "--out", str(out), "--random-init", "--seed", "3", "--quantize", "int8"])
    return out


def test_every_weight_with_whole_blocks_is_int8(tiny_int8: Path) -> None:
    for path in tiny_int8.glob("*.onnx"):
        model = onnx.load(str(path))
        weights = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
        ops = {node.op_type for node in model.graph.node}
        assert "DynamicQuantizeLinear" not in ops and "MatMulInteger" not in ops
        for node in model.graph.node:
            index = 0 if node.op_type == "Gather" else 1
            if node.op_type in ("MatMul", "Gemm", "Gather") and len(node.input) > index:
                weight = weights.get(node.input[index])
                assert weight is None or weight.ndim != 2 or weight.shape[1 - index] % 16, (path.name, node.name)


def test_a_row_gives_the_same_output_alone_and_in_a_batch(tiny_int8: Path) -> None:
    rng = np.random.default_rng(1)
    ids = rng.integers(1000, 20000, size=(6, 12), dtype=np.int64)
    ids[:, 0] = 101
    mask = np.ones_like(ids)
    session = open_session(tiny_int8 / "embed_text.onnx")
    alone = session.run(None, {"input_ids": ids[:1], "attention_mask": mask[:1]})[0]
    batched = session.run(None, {"input_ids": ids, "attention_mask": mask})[0][:1]
    assert np.abs(alone - batched).max() < 1e-5
    vision = open_session(tiny_int8 / "vision.onnx")
    name = vision.get_inputs()[0].name
    size = int(vision.get_inputs()[0].shape[2])
    pixels = rng.standard_normal((5, 3, size, size)).astype(np.float32) * np.arange(1, 6, dtype=np.float32)[:, None, None, None]
    alone = vision.run(None, {name: pixels[:1]})[0]
    batched = vision.run(None, {name: pixels})[0][:1]
    assert np.abs(alone - batched).max() < 1e-5
