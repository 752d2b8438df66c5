"""Move the initializers of in-memory ONNX graphs into one `weights.bin`, each distinct tensor stored once.

Graphs that wrap the same PyTorch module (the T5 embedding lives in both `gen_encoder` and `gen_decoder`) hold
byte-identical initializers; the bundle keeps one copy (docs/bundle-format.md, "Files"). The layout is the one of
`WeightsFile` in `training/ra_blip/onnx_bundle.py` (the same `content_key`, 64-byte alignment and inline threshold).
It differs in saving each graph as soon as it is externalised, and in counting the bytes it avoided: a full-size graph
(InstructBLIP's ViT-g, a T5-XL encoder or decoder) exceeds protobuf's 2 GiB limit, so it cannot be saved inline first,
and externalising before the first save keeps each `.onnx` file small. Graphs go in one at a time, so the export never
holds every graph in memory at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import onnx
from onnx import numpy_helper

from training.ra_blip.onnx_bundle import INLINE_MAX_BYTES, WEIGHTS_FILE, content_key

_ALIGN_BYTES = 64  # each tensor starts on a 64-byte boundary so readers can map it without copying


@dataclass(frozen=True)
class SharedWeightsStats:
    """What a `SharedWeightsWriter` stored: tensors seen, tensors written, and bytes written and avoided."""

    tensors_seen: int
    tensors_written: int
    bytes_written: int
    bytes_deduplicated: int


class SharedWeightsWriter:
    """Externalises initializers of at least `INLINE_MAX_BYTES` into `out_dir / weights.bin`, deduplicated by content.

    Use as a context manager; call `save(model, file_name)` per graph. Smaller initializers stay inline.
    """

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self._offsets: dict[str, tuple[int, int]] = {}  # content digest -> (offset, length)
        self._file = (out_dir / WEIGHTS_FILE).open("wb")
        self._seen = 0
        self._written_bytes = 0
        self._dedup_bytes = 0

    def __enter__(self) -> SharedWeightsWriter:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._file.close()

    def save(self, model: onnx.ModelProto, onnx_file_name: str) -> Path:
        """Externalises `model`'s large initializers (mutating it) and writes it to `out_dir / onnx_file_name`."""
        for tensor in model.graph.initializer:
            self._externalise(tensor)
        path = self.out_dir / onnx_file_name
        onnx.save_model(model, str(path))
        self._file.flush()
        return path

    def stats(self) -> SharedWeightsStats:
        return SharedWeightsStats(self._seen, len(self._offsets), self._written_bytes, self._dedup_bytes)

    def _externalise(self, tensor: onnx.TensorProto) -> None:
        data = numpy_helper.to_array(tensor).tobytes()  # little-endian raw bytes, as external data expects
        if len(data) < INLINE_MAX_BYTES:
            return
        self._seen += 1
        digest = content_key(tensor.data_type, data)
        if digest in self._offsets:
            self._dedup_bytes += len(data)
        else:
            offset = -(-self._file.tell() // _ALIGN_BYTES) * _ALIGN_BYTES
            self._file.write(b"\0" * (offset - self._file.tell()))
            self._file.write(data)
            self._offsets[digest] = (offset, len(data))
            self._written_bytes += len(data)
        offset, length = self._offsets[digest]
        name, dims, data_type = tensor.name, list(tensor.dims), tensor.data_type
        tensor.Clear()
        tensor.name, tensor.data_type = name, data_type
        tensor.dims.extend(dims)
        for key, value in (("location", WEIGHTS_FILE), ("offset", str(offset)), ("length", str(length))):
            entry = tensor.external_data.add()
            entry.key, entry.value = key, value
        tensor.data_location = onnx.TensorProto.EXTERNAL
