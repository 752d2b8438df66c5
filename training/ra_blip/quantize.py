"""Optional dynamic int8 quantization of an exported bundle, keeping one shared `weights.bin`."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

from onnxruntime.quantization import QuantType, quantize_dynamic

from .onnx_bundle import SharedWeights, share_weights

QUANTIZE_MODES = ("int8",)
# Weight-bearing ops; the tied LM head is a Gemm and the embeddings are Gathers.
_QUANTIZED_OPS = ["MatMul", "Gemm", "Gather"]


def quantize_bundle(paths: Sequence[Path], weights_path: Path, mode: str) -> SharedWeights:
    """Quantize each graph's weights to int8 (ORT dynamic quantization), then dedup them into `weights_path` again."""
    if mode not in QUANTIZE_MODES:
        raise ValueError(f"quantize mode {mode!r} is not one of {QUANTIZE_MODES}")
    scratch = weights_path.parent / "_quantize"
    scratch.mkdir(exist_ok=True)
    try:
        for path in paths:
            quantize_dynamic(
                path, scratch / path.name, weight_type=QuantType.QInt8, op_types_to_quantize=_QUANTIZED_OPS
            )
        for path in paths:
            shutil.move(str(scratch / path.name), str(path))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return share_weights(paths, weights_path)
