"""Convert a Hugging Face `InstructBlipForConditionalGeneration` (Q-Former + T5) into an `instructblip-t5` bundle.

    .venv/bin/python -m training.export_hf --checkpoint DIR_OR_HF_ID --out BUNDLE_DIR

Writes `vision`, `qformer`, `gen_encoder` and `gen_decoder` graphs, one shared `weights.bin`, both tokenizers and
`manifest.json` (docs/bundle-format.md; user guide in docs/export-hf.md). Graphs use opset 17 and the TorchScript
exporter (`dynamo=False`): it is the path verified against HF `generate` (../shared/notes/hf-instructblip-export.md),
and it spills graphs over 2 GiB to external data by itself, which full-size checkpoints need.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import shutil
import tempfile
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import onnx
import torch
from torch import nn
from transformers import InstructBlipConfig, InstructBlipForConditionalGeneration

from training.hf_bundle.graph_specs import BundleDims, build_graph_specs
from training.hf_bundle.graphs import GenDecoderGraph, GenEncoderGraph, QFormerGraph, VisionGraph
from training.hf_bundle.shared_weights import SharedWeightsStats, SharedWeightsWriter
from training.ra_blip.onnx_bundle import (
    FORMAT_NAME,
    FORMAT_VERSION,
    OPSET,
    GraphSpec,
    check_session,
    open_session,
    write_json,
)

FAMILY = "instructblip-t5"
GENERATOR_TOKENIZER = "tokenizer.json"
QFORMER_TOKENIZER = "qformer_tokenizer.json"
# BlipImageProcessor defaults (OpenAI CLIP statistics), used when the checkpoint has no processor config.
CLIP_MEAN = (0.48145466, 0.4578275, 0.40821073)
CLIP_STD = (0.26862954, 0.26130258, 0.27577711)
_DEFAULT_GENERATOR_MAX_LENGTH = 512  # T5's tokenizer default; T5 itself has relative positions and no hard limit
_ONNX_DTYPES = {"float32": onnx.TensorProto.FLOAT, "int64": onnx.TensorProto.INT64}
_TRACE_BATCH = 2  # trace with batch 2 so that no batch-1 broadcast is frozen into a graph

log = logging.getLogger("export_hf")


@dataclass(frozen=True)
class ImageConfig:
    """The manifest's `image` entry."""

    size: int
    mean: tuple[float, ...]
    std: tuple[float, ...]


@dataclass(frozen=True)
class ExportResult:
    """Where the bundle went, its manifest, and how much the shared weights file deduplicated."""

    out_dir: Path
    manifest: dict[str, object]
    weights: SharedWeightsStats


def resolve_checkpoint_dir(checkpoint: str) -> Path:
    """A local directory as is; otherwise a Hub id, resolved through the HF cache (downloading when online).

    Only configs, tokenizers and safetensors weights are fetched: Hub repos often hold the same weights twice.
    """
    path = Path(checkpoint)
    if path.is_dir():
        return path
    from huggingface_hub import snapshot_download

    return Path(snapshot_download(repo_id=checkpoint, allow_patterns=["*.json", "*.safetensors", "*.txt", "*.model"]))


def read_bundle_dims(config: InstructBlipConfig) -> BundleDims:
    vision, qformer, text = config.vision_config, config.qformer_config, config.text_config
    return BundleDims(
        n_patch=(vision.image_size // vision.patch_size) ** 2 + 1,  # + CLS
        d_vit=vision.hidden_size,
        n_query=config.num_query_tokens,
        d_qformer=qformer.hidden_size,
        d_model=text.d_model,
        vocab=text.vocab_size,
        n_decoder_layers=text.num_decoder_layers,
        n_heads=text.num_heads,
        d_head=text.d_kv,
    )


def _read_json(path: Path) -> dict[str, object] | None:
    return json.loads(path.read_text()) if path.is_file() else None


def read_image_config(checkpoint_dir: Path, config: InstructBlipConfig) -> ImageConfig:
    """Size, mean and std from the processor config if present, else the vision config and CLIP statistics."""
    processor = _read_json(checkpoint_dir / "preprocessor_config.json")
    if processor is None:
        nested = _read_json(checkpoint_dir / "processor_config.json")
        processor = nested.get("image_processor") if nested else None  # type: ignore[assignment]
    size: int = config.vision_config.image_size
    mean, std = CLIP_MEAN, CLIP_STD
    if isinstance(processor, dict):
        raw = processor.get("size", size)
        if isinstance(raw, dict):
            height, width = raw.get("height", raw.get("shortest_edge")), raw.get("width", raw.get("shortest_edge"))
            if height != width:
                raise ValueError(f"the bundle needs square images, the processor resizes to {height}x{width}")
            raw = height
        size = int(raw)  # type: ignore[arg-type]
        mean = tuple(float(x) for x in processor.get("image_mean", mean))  # type: ignore[union-attr]
        std = tuple(float(x) for x in processor.get("image_std", std))  # type: ignore[union-attr]
    if size != config.vision_config.image_size:
        raise ValueError(f"processor size {size} != vision_config.image_size {config.vision_config.image_size}")
    return ImageConfig(size, mean, std)


def _model_max_length(tokenizer_dir: Path) -> int | None:
    """`model_max_length` from `tokenizer_config.json`, unless absent or HF's "no limit" sentinel (1e30)."""
    found = (_read_json(tokenizer_dir / "tokenizer_config.json") or {}).get("model_max_length")
    return int(found) if isinstance(found, (int, float)) and found < 1_000_000 else None


def _check_tokenizer(source: Path) -> None:
    if not source.is_file():
        raise ValueError(
            f"{source} is missing: the bundle needs tokenizers in the `tokenizers` JSON format. Write it with "
            "`AutoTokenizer.from_pretrained(dir[, subfolder='qformer_tokenizer']).save_pretrained(...)`."
        )


def _check_replaceable(out_dir: Path) -> None:
    """A previous bundle may be replaced, but never a directory that holds something else."""
    if out_dir.exists() and any(out_dir.iterdir()) and not (out_dir / "manifest.json").is_file():
        raise ValueError(f"{out_dir} is not empty and holds no bundle: refusing to replace it")


@dataclass(frozen=True)
class GraphTrace:
    """A graph wrapper and the example inputs it is traced with."""

    module: nn.Module
    example_inputs: tuple[torch.Tensor, ...]

    def __post_init__(self) -> None:
        # A fresh wrapper is in training mode, and torch.onnx.export restores that mode on the wrapped HF modules
        # after exporting: dropout would then be live in every later torch call.
        self.module.eval()


def _graph_traces(
    model: InstructBlipForConditionalGeneration, config: InstructBlipConfig, dims: BundleDims, image_size: int
) -> dict[str, GraphTrace]:
    """Every graph with batch-2 example inputs, each dynamic length different from the others."""
    b, gen, image_token = _TRACE_BATCH, torch.Generator().manual_seed(0), int(config.image_token_id)
    q_ids = torch.randint(0, config.qformer_config.vocab_size, (b, 5), generator=gen)
    q_mask = torch.ones_like(q_ids)
    q_mask[1, -1] = 0
    text = torch.randint(0, dims.vocab, (b, 5), generator=gen)
    text[text == image_token] = 0
    ids = torch.cat([torch.full((b, dims.n_query), image_token), text], dim=1)  # [b, enc_seq]
    kv = 2 * dims.n_decoder_layers
    cross = [torch.randn(b, dims.n_heads, ids.shape[1], dims.d_head, generator=gen) for _ in range(kv)]
    past = [torch.randn(b, dims.n_heads, 3, dims.d_head, generator=gen) for _ in range(kv)]
    return {
        "vision": GraphTrace(VisionGraph(model), (torch.randn(b, 3, image_size, image_size, generator=gen),)),
        "qformer": GraphTrace(
            QFormerGraph(model), (torch.randn(b, dims.n_patch, dims.d_vit, generator=gen), q_ids, q_mask)
        ),
        "gen_encoder": GraphTrace(
            GenEncoderGraph(model, image_token),
            (ids, torch.ones_like(ids), torch.randn(b, dims.n_query, dims.d_qformer, generator=gen)),
        ),
        "gen_decoder": GraphTrace(GenDecoderGraph(model), (text[:, :1], torch.ones_like(ids), *cross, *past)),
    }


def _export_graph(trace: GraphTrace, spec: GraphSpec, work_dir: Path) -> onnx.ModelProto:
    """Traces a graph to ONNX in `work_dir` and loads it back with any external data the exporter wrote (> 2 GiB)."""
    path = work_dir / spec.file
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=torch.jit.TracerWarning)
        warnings.simplefilter("ignore", category=DeprecationWarning)  # dynamo=False is deliberate (see module doc)
        torch.onnx.export(
            trace.module,
            trace.example_inputs,
            str(path),
            input_names=[t.name for t in spec.inputs],
            output_names=[t.name for t in spec.outputs],
            dynamic_axes={
                tensor.name: {axis: dim for axis, dim in enumerate(tensor.shape) if isinstance(dim, str)}
                for tensor in (*spec.inputs, *spec.outputs)
            },
            opset_version=OPSET,
            do_constant_folding=True,
            dynamo=False,
        )
    return onnx.load(str(path), load_external_data=True)


def _fix_io(model: onnx.ModelProto, spec: GraphSpec) -> None:
    """Checks the exported I/O names, dtypes and ranks against the spec, then writes the spec's dims into the graph.

    The tracer's shape inference names some fixed dims symbolically (e.g. `n_patch` of `image_embeds`); the
    manifest's numbers and dim names are the contract the runtime checks sessions against.
    """
    initializers = {t.name for t in model.graph.initializer}
    for kind, actual, expected in (
        ("inputs", [v for v in model.graph.input if v.name not in initializers], spec.inputs),
        ("outputs", list(model.graph.output), spec.outputs),
    ):
        got = [(v.name, v.type.tensor_type.elem_type, len(v.type.tensor_type.shape.dim)) for v in actual]
        want = [(t.name, _ONNX_DTYPES[t.dtype], len(t.shape)) for t in expected]
        if got != want:
            raise RuntimeError(f"{spec.name} {kind}: exported {got}, expected {want}")
        for value, tensor in zip(actual, expected, strict=True):
            for dim, size in zip(value.type.tensor_type.shape.dim, tensor.shape, strict=True):
                if isinstance(size, str):
                    dim.dim_param = size
                else:
                    dim.dim_value = size


def _manifest(
    name: str,
    config: InstructBlipConfig,
    checkpoint_dir: Path,
    image: ImageConfig,
    dims: BundleDims,
    specs: dict[str, GraphSpec],
) -> dict[str, object]:
    """The manifest of docs/bundle-format.md for this family: no `embed_*` graphs, `prompt`, `askg` or `dEmbed`."""
    text = config.text_config
    eos = text.eos_token_id[0] if isinstance(text.eos_token_id, list) else text.eos_token_id
    decoder_start = text.decoder_start_token_id if text.decoder_start_token_id is not None else text.pad_token_id
    max_positions = config.qformer_config.max_position_embeddings  # the instruction's learned positions
    qformer_limit = _model_max_length(checkpoint_dir / "qformer_tokenizer")
    config_json = json.dumps(config.to_dict(), sort_keys=True, default=str)
    now = datetime.now(UTC)
    return {
        "format": FORMAT_NAME,
        "formatVersion": FORMAT_VERSION,
        "family": FAMILY,
        "model": {
            "name": name,
            "version": now.strftime("%Y.%m.%d"),
            "configHash": "sha256:" + hashlib.sha256(config_json.encode()).hexdigest(),
            "createdAt": now.isoformat(timespec="seconds").replace("+00:00", "Z"),
        },
        "image": {"size": image.size, "mean": list(image.mean), "std": list(image.std)},
        "text": {
            "qformer": {
                "tokenizer": QFORMER_TOKENIZER,
                "maxLength": min(qformer_limit or max_positions, max_positions),
            },
            "generator": {
                "tokenizer": GENERATOR_TOKENIZER,
                "maxLength": _model_max_length(checkpoint_dir) or _DEFAULT_GENERATOR_MAX_LENGTH,
                "padId": int(text.pad_token_id),
                "decoderStartId": int(decoder_start),
                "eosId": int(eos),
                "imageTokenId": int(config.image_token_id),
            },
        },
        "dims": dims.to_json(),
        "graphs": {graph: spec.to_json() for graph, spec in specs.items()},
    }


def _check_decoder_steps(
    trace: GraphTrace, spec: GraphSpec, path: Path, past_lengths: tuple[int, ...] = (0, 1, 9)
) -> None:
    """Runs the exported decoder step from past lengths 0, 1 and many against the torch wrapper; raises on a mismatch.

    The trace used one past length; this catches a length frozen into the graph. Random K/V give large logits at
    full size, so the tolerance is relative to the largest logit.
    """
    session = open_session(path)
    gen = torch.Generator().manual_seed(1)
    n_cross = len([t for t in spec.inputs if t.name.startswith("cross_")])
    token, mask, *kv = trace.example_inputs
    mask = mask.clone()
    mask[1, -2:] = 0  # a padded second row
    cross = kv[:n_cross]
    for length in past_lengths:
        past = [torch.randn(*t.shape[:2], length, t.shape[3], generator=gen) for t in kv[n_cross:]]
        inputs = (token, mask, *cross, *past)
        want = trace.module(*inputs)[0].numpy()
        got = session.run(["logits"], {t.name: x.numpy() for t, x in zip(spec.inputs, inputs, strict=True)})[0]
        diff = float(abs(got - want).max())
        if diff > 1e-4 * max(1.0, float(abs(want).max())):
            raise RuntimeError(f"gen_decoder differs from torch by {diff} at past length {length}")


def _write_graphs(
    model: InstructBlipForConditionalGeneration,
    config: InstructBlipConfig,
    specs: dict[str, GraphSpec],
    dims: BundleDims,
    image_size: int,
    out_dir: Path,
) -> SharedWeightsStats:
    """Exports every graph into `out_dir`, sharing one `weights.bin`, and checks each against its spec in ORT."""
    traces = _graph_traces(model, config, dims, image_size)
    with tempfile.TemporaryDirectory() as work, SharedWeightsWriter(out_dir) as writer, torch.no_grad():
        for name, spec in specs.items():
            log.info("exporting %s", name)
            exported = _export_graph(traces[name], spec, Path(work))
            _fix_io(exported, spec)
            path = writer.save(exported, spec.file)
            del exported
            onnx.checker.check_model(str(path))
            check_session(open_session(path), spec)
        _check_decoder_steps(traces["gen_decoder"], specs["gen_decoder"], out_dir / specs["gen_decoder"].file)
        return writer.stats()


def export_instructblip(checkpoint: str, out_dir: Path) -> ExportResult:
    """Exports `checkpoint` (local dir or Hub id) into `out_dir`, replacing a bundle already there."""
    checkpoint_dir = resolve_checkpoint_dir(checkpoint)
    config = InstructBlipConfig.from_pretrained(checkpoint_dir)
    if not config.text_config.is_encoder_decoder or config.text_config.model_type != "t5":
        raise ValueError(f"only T5 generators are supported, got {config.text_config.model_type}")
    if config.image_token_id is None:
        raise ValueError("config.image_token_index is not set: transformers 5 needs image placeholder tokens")
    tokenizers = {
        GENERATOR_TOKENIZER: checkpoint_dir / "tokenizer.json",
        QFORMER_TOKENIZER: checkpoint_dir / "qformer_tokenizer" / "tokenizer.json",
    }
    for source in tokenizers.values():
        _check_tokenizer(source)
    _check_replaceable(out_dir)
    dims = read_bundle_dims(config)
    image = read_image_config(checkpoint_dir, config)
    specs = build_graph_specs(dims, image.size)
    model = InstructBlipForConditionalGeneration.from_pretrained(
        checkpoint_dir, dtype=torch.float32, attn_implementation="eager"
    ).eval()

    # Written beside the target and swapped in at the end, so a failed export leaves no half bundle behind.
    staging = out_dir.parent / f".{out_dir.name}.partial"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    try:
        stats = _write_graphs(model, config, specs, dims, image.size, staging)
        for file_name, source in tokenizers.items():
            shutil.copyfile(source, staging / file_name)
        manifest = _manifest(checkpoint.rstrip("/").split("/")[-1], config, checkpoint_dir, image, dims, specs)
        write_json(staging / "manifest.json", manifest)
        if out_dir.exists():
            shutil.rmtree(out_dir)
        staging.rename(out_dir)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return ExportResult(out_dir, manifest, stats)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.export_hf", description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", required=True, help="local checkpoint directory or Hugging Face Hub id")
    parser.add_argument("--out", required=True, type=Path, help="bundle directory (replaced if it exists)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    result = export_instructblip(args.checkpoint, args.out)
    log.info(
        "wrote %s: %d graphs, weights.bin %.1f MiB (%.1f MiB deduplicated)",
        result.out_dir, len(result.manifest["graphs"]), result.weights.bytes_written / 2**20,  # type: ignore[arg-type]
        result.weights.bytes_deduplicated / 2**20,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
