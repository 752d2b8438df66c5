"""Model-agnostic pieces of a bundle (docs/bundle-format.md), shared by `training/export.py` and
`training/export_hf.py`: tensor specs, graph export with the manifest's dim names, initializer dedup into one
`weights.bin`, ONNX Runtime checks against the specs, and the manifest itself.
"""

from __future__ import annotations

import hashlib
import io
import json
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import numpy as np
import onnx
import onnxruntime as ort
import torch
from onnx import numpy_helper

FORMAT_NAME = "ra-blip-bundle"
FORMAT_VERSION = 1
OPSET = 17
WEIGHTS_FILE = "weights.bin"
# Initializers smaller than this stay inline in their graph (shape constants, scalars).
INLINE_MAX_BYTES = 1024
_ALIGN_BYTES = 64

Dtype = Literal["float32", "int64"]
Dim = int | str
_ONNX_DTYPES: dict[Dtype, int] = {"float32": onnx.TensorProto.FLOAT, "int64": onnx.TensorProto.INT64}
_ORT_DTYPES: dict[str, Dtype] = {"tensor(float)": "float32", "tensor(int64)": "int64"}


@dataclass(frozen=True)
class TensorSpec:
    """One graph input or output: a string dim is dynamic and named (`batch`, `seq`, `past`, …)."""

    name: str
    dtype: Dtype
    shape: tuple[Dim, ...]

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype, "shape": list(self.shape)}


@dataclass(frozen=True)
class GraphSpec:
    """A graph of the bundle: its manifest key, file name, and I/O in order."""

    name: str
    file: str
    inputs: tuple[TensorSpec, ...]
    outputs: tuple[TensorSpec, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "inputs": [spec.to_json() for spec in self.inputs],
            "outputs": [spec.to_json() for spec in self.outputs],
        }


@dataclass(frozen=True)
class SharedWeights:
    """What `save_sharing_weights` (or a `WeightsFile`) did: initializers moved out, distinct tensors written, bytes of `weights.bin`."""

    n_external: int
    n_unique: int
    n_bytes: int


def export_graph(module: torch.nn.Module, example_inputs: tuple[torch.Tensor, ...], spec: GraphSpec) -> onnx.ModelProto:
    """`torch.onnx.export` (TorchScript exporter, opset 17) with the spec's names and dynamic axes, in memory; the
    spec's exact dims are then stamped onto the graph's inputs and outputs so that file and manifest agree."""
    dynamic_axes = {
        tensor.name: {axis: dim for axis, dim in enumerate(tensor.shape) if isinstance(dim, str)}
        for tensor in (*spec.inputs, *spec.outputs)
    }
    buffer = io.BytesIO()
    module.eval()
    with torch.no_grad(), warnings.catch_warnings():
        # The TorchScript exporter is deprecated in favour of dynamo; it is the one the bundle format was verified with.
        warnings.filterwarnings("ignore", category=DeprecationWarning, message=".*legacy TorchScript-based ONNX export")
        warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"torch\.onnx\.")
        torch.onnx.export(
            module,
            example_inputs,
            buffer,  # type: ignore[arg-type]  # the TorchScript exporter writes to binary file objects too
            input_names=[tensor.name for tensor in spec.inputs],
            output_names=[tensor.name for tensor in spec.outputs],
            dynamic_axes={name: axes for name, axes in dynamic_axes.items() if axes},
            opset_version=OPSET,
            dynamo=False,
            do_constant_folding=True,
        )
    model = onnx.load_model_from_string(buffer.getvalue())
    _stamp_specs(model.graph.input, spec.inputs, spec.name)
    _stamp_specs(model.graph.output, spec.outputs, spec.name)
    return model


def _stamp_specs(values: Sequence[onnx.ValueInfoProto], specs: Sequence[TensorSpec], graph: str) -> None:
    actual = [value.name for value in values]
    if actual != [spec.name for spec in specs]:
        raise ValueError(f"{graph}: exported names {actual} differ from the spec")
    for value, spec in zip(values, specs, strict=True):
        tensor_type = value.type.tensor_type
        if tensor_type.elem_type != _ONNX_DTYPES[spec.dtype]:
            raise ValueError(f"{graph}.{spec.name}: exported elem type {tensor_type.elem_type}, spec {spec.dtype}")
        tensor_type.shape.ClearField("dim")
        for dim in spec.shape:
            entry = tensor_type.shape.dim.add()
            if isinstance(dim, str):
                entry.dim_param = dim
            else:
                entry.dim_value = dim


def content_key(data_type: int, data: bytes) -> str:
    """Dedup key of an initializer in `weights.bin`: its dtype and bytes. Dims stay in the graph, so tensors of one
    content but different shapes (an int8 table read as `[N, K]` and as `[N, K / 32, 32]`) share storage too."""
    return hashlib.sha256(f"{data_type}:".encode() + data).hexdigest()


class WeightsFile:
    """`weights.bin` being written: `externalize` moves a graph's initializers of at least `INLINE_MAX_BYTES` into
    it, storing each distinct content (dtype and bytes) once, and points the graph at it (ONNX external data).

    Use as a context manager; then save each graph beside the file with `save_graph`.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._out = open(path, "wb")
        self._offsets: dict[str, tuple[int, int]] = {}
        self._n_external = 0

    def __enter__(self) -> WeightsFile:
        return self

    def __exit__(self, *_: object) -> None:
        self._out.close()

    def externalize(self, model: onnx.ModelProto) -> None:
        for tensor in model.graph.initializer:
            array = numpy_helper.to_array(tensor)
            if array.nbytes < INLINE_MAX_BYTES:
                continue
            data = np.ascontiguousarray(array).tobytes()
            key = content_key(tensor.data_type, data)
            if key not in self._offsets:
                self._out.write(b"\0" * (-self._out.tell() % _ALIGN_BYTES))
                self._offsets[key] = (self._out.tell(), len(data))
                self._out.write(data)
            _make_external(tensor, *self._offsets[key])
            self._n_external += 1
        self._out.flush()

    def summary(self) -> SharedWeights:
        return SharedWeights(n_external=self._n_external, n_unique=len(self._offsets), n_bytes=self._out.tell())


def _make_external(tensor: onnx.TensorProto, offset: int, length: int) -> None:
    for field in ("raw_data", "float_data", "int32_data", "int64_data", "double_data", "uint64_data"):
        tensor.ClearField(field)
    del tensor.external_data[:]
    for key, value in (("location", WEIGHTS_FILE), ("offset", str(offset)), ("length", str(length))):
        entry = tensor.external_data.add()
        entry.key, entry.value = key, value
    tensor.data_location = onnx.TensorProto.EXTERNAL


def save_graph(model: onnx.ModelProto, path: Path) -> None:
    """Save a graph (its weights already externalized) and run the ONNX checker on the file."""
    onnx.save_model(model, str(path))
    onnx.checker.check_model(str(path))


def save_sharing_weights(models: Mapping[Path, onnx.ModelProto], weights_path: Path) -> SharedWeights:
    """Save in-memory graphs (weights inline) to their paths, all sharing one `weights_path`, written afresh."""
    with WeightsFile(weights_path) as weights:
        for path, model in models.items():
            weights.externalize(model)
            save_graph(model, path)
        return weights.summary()


def open_session(path: Path, threads: int = 1) -> ort.InferenceSession:
    """ORT session created from the file path, so that `weights.bin` resolves beside it."""
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    return ort.InferenceSession(str(path), sess_options=options, providers=["CPUExecutionProvider"])


def check_session(session: ort.InferenceSession, spec: GraphSpec) -> None:
    """Raise ValueError unless the session's I/O names, dtypes and dims equal the spec (what the TS runtime checks)."""
    for kind, actual, expected in (
        ("input", session.get_inputs(), spec.inputs),
        ("output", session.get_outputs(), spec.outputs),
    ):
        got = [(arg.name, _ORT_DTYPES.get(arg.type, arg.type), tuple(arg.shape)) for arg in actual]
        want = [(tensor.name, tensor.dtype, tensor.shape) for tensor in expected]
        if got != want:
            raise ValueError(f"{spec.name} {kind}s: session has {got}, spec says {want}")


def build_manifest(
    *,
    family: str,
    name: str,
    version: str,
    config_hash: str,
    image: Mapping[str, Any],
    text: Mapping[str, Any],
    dims: Mapping[str, int],
    graphs: Sequence[GraphSpec],
    prompt: Mapping[str, Any] | None,
    askg: Mapping[str, str],
    metrics: Mapping[str, float],
) -> dict[str, Any]:
    """The manifest object, keys in the order of docs/bundle-format.md (`prompt` omitted when None)."""
    manifest: dict[str, Any] = {
        "format": FORMAT_NAME,
        "formatVersion": FORMAT_VERSION,
        "family": family,
        "model": {
            "name": name,
            "version": version,
            "configHash": config_hash,
            "createdAt": datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        },
        "image": dict(image),
        "text": dict(text),
        "dims": dict(dims),
        "graphs": {graph.name: graph.to_json() for graph in graphs},
    }
    if prompt is not None:
        manifest["prompt"] = dict(prompt)
    manifest["askg"] = dict(askg)
    manifest["metrics"] = dict(metrics)
    return manifest


def write_json(path: Path, value: Any, indent: int | None = 2) -> None:
    """JSON with a trailing newline; `indent` None writes it compact (large fixtures). @default indent 2"""
    path.write_text(json.dumps(value, indent=indent) + "\n", encoding="utf-8")
