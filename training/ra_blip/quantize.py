"""Optional dynamic int8 quantization of an exported bundle, keeping one shared `weights.bin`."""

from __future__ import annotations

import logging
import shutil
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import onnx
from onnxruntime.quantization import QuantType, quantize_dynamic

from .onnx_bundle import SharedWeights, share_weights

QUANTIZE_MODES = ("int8",)
# Weight-bearing ops: every Linear (MatMul), the tied LM head (Gemm) and the embeddings (Gather).
_QUANTIZED_OPS = ["MatMul", "Gemm", "Gather"]


def quantize_bundle(paths: Sequence[Path], weights_path: Path, mode: str) -> SharedWeights:
    """Quantize each graph's weights to int8 (ORT dynamic quantization), then dedup them into `weights_path` again.

    Per-channel scales (one per output column): with one scale per tensor, a 2,000-step bundle kept its accuracy but
    lost abstain F1 (dev 0.821 against fp32's 0.874); per-channel int8 gave 0.868 for 0.7 MB more.
    """
    if mode not in QUANTIZE_MODES:
        raise ValueError(f"quantize mode {mode!r} is not one of {QUANTIZE_MODES}")
    scratch = weights_path.parent / "_quantize"
    scratch.mkdir(exist_ok=True)
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # the quantizer logs a pre-processing hint per graph on the root logger
    try:
        for path in paths:
            model = onnx.load(str(path))
            untie_gemm_weights(model)
            quantize_dynamic(
                model,
                scratch / path.name,
                weight_type=QuantType.QInt8,
                op_types_to_quantize=_QUANTIZED_OPS,
                per_channel=True,
            )
        for path in paths:
            shutil.move(str(scratch / path.name), str(path))
    finally:
        root.setLevel(level)
        shutil.rmtree(scratch, ignore_errors=True)
    return share_weights(paths, weights_path)


def untie_gemm_weights(model: onnx.ModelProto) -> None:
    """Give each Gemm a private copy of a weight that other nodes also read (the tied embedding / LM head).

    ORT's quantizer turns Gemm(transB=1) into MatMul by transposing the initializer in place, which breaks every
    other reader of it (the embedding Gather). After quantization the copies are int8 and small.
    """
    initializers = {tensor.name: tensor for tensor in model.graph.initializer}
    readers = Counter(name for node in model.graph.node for name in node.input)
    for node in model.graph.node:
        if node.op_type != "Gemm" or len(node.input) < 2:
            continue
        weight = node.input[1]
        if weight in initializers and readers[weight] > 1:
            copy = onnx.TensorProto()
            copy.CopyFrom(initializers[weight])
            copy.name = f"{weight}.gemm"
            model.graph.initializer.append(copy)
            node.input[1] = copy.name
