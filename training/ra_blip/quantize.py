"""Optional int8 quantization of an exported bundle's weights, keeping one shared `weights.bin`.

Weight-only, block-wise: every weight of a MatMul, Gemm or Gather is stored as uint8 (zero point 128) with one fp32
scale per block of `block_size` values along its input dimension, and the node becomes ONNX Runtime's
`com.microsoft` `MatMulNBits` (bits=8) or `GatherBlockQuantized`. At `accuracy_level` 4 the CPU kernel quantizes
the activations to int8 per row and per block, so a row's output does not depend on the other rows of its batch
(ORT's dynamic quantization, used up to bundle 2026.12.07.6, took one activation scale per tensor). The CUDA
provider runs both ops too (8-bit MatMulNBits since ONNX Runtime 1.22), where `DynamicQuantizeLinear` is CPU-only.
Blocks always divide the row, which keeps clear of the CUDA Gather's wrong block index for a partial last block
(onnxruntime#32663).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnx
from onnx import helper, numpy_helper

from .onnx_bundle import SharedWeights, save_sharing_weights

QUANTIZE_MODES = ("int8",)
DEFAULT_BLOCK_SIZE = 32
# The CPU kernel's int8-activation path (MLAS CompInt8); 0 would dequantize the weights and multiply in fp32.
ACCURACY_LEVEL = 4
_ZERO_POINT = 128
_CONTRIB_DOMAIN = "com.microsoft"
# Adds an initializer to the graph being rewritten (once per name) and returns its name.
AddInitializer = Callable[[str, np.ndarray], str]


@dataclass(frozen=True)
class QuantizedWeights:
    """A weight [rows, cols] quantized along cols: uint8 values [rows, cols] and scales [rows, cols / block]."""

    values: np.ndarray
    scales: np.ndarray
    block: int


def quantize_rows(weight: np.ndarray, block_size: int) -> QuantizedWeights | None:
    """Symmetric int8 per block of each row (uint8, zero point 128); None when no block size ≥ 16 divides the row."""
    rows, cols = weight.shape
    block = block_size
    while block >= 16 and cols % block:
        block //= 2
    if block < 16:
        return None
    blocks = weight.astype(np.float32).reshape(rows, cols // block, block)
    amax = np.abs(blocks).max(axis=2)
    scales = np.where(amax > 0, amax / 127.0, 1.0).astype(np.float32)
    values = np.clip(np.rint(blocks / scales[..., None]), -127, 127).astype(np.int16) + _ZERO_POINT
    return QuantizedWeights(values.astype(np.uint8).reshape(rows, cols), scales, block)


def quantize_bundle(
    paths: Sequence[Path], weights_path: Path, mode: str, block_size: int = DEFAULT_BLOCK_SIZE
) -> SharedWeights:
    """Quantize each graph's weights in place (see the module doc), then dedup them into `weights_path` again."""
    if mode not in QUANTIZE_MODES:
        raise ValueError(f"quantize mode {mode!r} is not one of {QUANTIZE_MODES}")
    # Every graph is read (with its weights) before `weights_path` is written afresh.
    models = {path: onnx.load(str(path)) for path in paths}
    for model in models.values():
        quantize_graph(model, block_size)
    return save_sharing_weights(models, weights_path)


def quantize_graph(model: onnx.ModelProto, block_size: int = DEFAULT_BLOCK_SIZE) -> None:
    """Rewrite the weight-reading nodes of `model` in place; the fp32 weights they no longer read are dropped."""
    initializers = {tensor.name: tensor for tensor in model.graph.initializer}
    cache: dict[tuple[str, bool], QuantizedWeights | None] = {}
    added: set[str] = set()

    def add(name: str, array: np.ndarray) -> str:
        if name not in added:
            added.add(name)
            model.graph.initializer.append(numpy_helper.from_array(array, name))
        return name

    def quantized(name: str, transpose: bool) -> tuple[str, QuantizedWeights] | None:
        # Rows are the output features (MatMul's columns); a tied table read by Gather and Gemm quantizes once.
        if (name, transpose) not in cache:
            array = numpy_helper.to_array(initializers[name])
            cache[(name, transpose)] = quantize_rows(np.ascontiguousarray(array.T if transpose else array), block_size)
        q = cache[(name, transpose)]
        return None if q is None else (name + (".int8t" if transpose else ".int8"), q)

    def weight(node: onnx.NodeProto, index: int) -> str | None:
        if len(node.input) <= index or node.input[index] not in initializers:
            return None
        tensor = initializers[node.input[index]]
        return node.input[index] if tensor.data_type == onnx.TensorProto.FLOAT and len(tensor.dims) == 2 else None

    rewritten: list[onnx.NodeProto] = []
    count = 0
    for node in model.graph.node:
        attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        replacement: onnx.NodeProto | None = None
        if node.op_type == "MatMul" and (name := weight(node, 1)) is not None:
            replacement = _matmul_nbits(node, quantized(name, transpose=True), None, add)
        elif (
            node.op_type == "Gemm"
            and (name := weight(node, 1)) is not None
            and attrs.get("alpha", 1.0) == 1.0
            and attrs.get("beta", 1.0) == 1.0
            and attrs.get("transA", 0) == 0
            and _is_vector_or_absent(node, 2, initializers)
        ):
            bias = node.input[2] if len(node.input) > 2 and node.input[2] else None
            replacement = _matmul_nbits(node, quantized(name, transpose=attrs.get("transB", 0) == 0), bias, add)
        elif node.op_type == "Gather" and attrs.get("axis", 0) == 0 and (name := weight(node, 0)) is not None:
            replacement = _gather_block_quantized(node, quantized(name, transpose=False), add)
        rewritten.append(replacement or node)
        count += replacement is not None
    del model.graph.node[:]
    model.graph.node.extend(rewritten)
    used = {name for node in model.graph.node for name in node.input}
    kept = [tensor for tensor in model.graph.initializer if tensor.name in used]
    del model.graph.initializer[:]
    model.graph.initializer.extend(kept)
    if count and not any(opset.domain == _CONTRIB_DOMAIN for opset in model.opset_import):
        model.opset_import.append(helper.make_opsetid(_CONTRIB_DOMAIN, 1))


def _is_vector_or_absent(node: onnx.NodeProto, index: int, initializers: dict[str, onnx.TensorProto]) -> bool:
    if len(node.input) <= index or not node.input[index]:
        return True
    tensor = initializers.get(node.input[index])
    return tensor is not None and len(tensor.dims) == 1



def _matmul_nbits(
    node: onnx.NodeProto, weights: tuple[str, QuantizedWeights] | None, bias: str | None, add: AddInitializer
) -> onnx.NodeProto | None:
    if weights is None:
        return None
    base, q = weights
    n, k = q.values.shape
    # MatMulNBits wants B as [N, K / block, block] and flat scales; the bytes are a Gather's [N, K] and [N, K / block],
    # so a tied table is stored once (weights.bin dedups by content).
    values = add(base + ".blocks", q.values.reshape(n, k // q.block, q.block))
    scales = add(base + ".scales.flat", q.scales.reshape(-1))
    inputs = [node.input[0], values, scales] + (["", "", bias] if bias else [])
    return helper.make_node(
        "MatMulNBits",
        inputs,
        list(node.output),
        name=(node.name or base) + ".int8",
        domain=_CONTRIB_DOMAIN,
        K=k,
        N=n,
        bits=8,
        block_size=q.block,
        accuracy_level=ACCURACY_LEVEL,
    )


def _gather_block_quantized(
    node: onnx.NodeProto, weights: tuple[str, QuantizedWeights] | None, add: AddInitializer
) -> onnx.NodeProto | None:
    if weights is None:
        return None
    base, q = weights
    # Explicit zero points: ORT's CUDA kernel has defaulted them differently from the CPU's (onnxruntime#31692).
    zero_points = add(base + ".zero_points", np.full(q.scales.shape, _ZERO_POINT, dtype=np.uint8))
    return helper.make_node(
        "GatherBlockQuantized",
        [add(base, q.values), node.input[1], add(base + ".scales", q.scales), zero_points],
        list(node.output),
        name=(node.name or base) + ".int8",
        domain=_CONTRIB_DOMAIN,
        gather_axis=0,
        quantize_axis=1,
        block_size=q.block,
        bits=8,
    )
