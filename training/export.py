"""Export a RA-BLIP model to a bundle (docs/bundle-format.md): six ONNX graphs sharing one `weights.bin`,
`tokenizer.json` and `manifest.json`.

    .venv/bin/python -m training.export --config training/configs/tiny.json --out DIR --random-init [--seed N]
    .venv/bin/python -m training.export --config training/configs/demo.json --out DIR --checkpoint ckpt.pt

Every graph is loaded back in ONNX Runtime from its path and checked against its manifest entry, and the decoder is
compared with PyTorch at past lengths 0, 1 and many. Prints one JSON summary line.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from training.ra_blip.attention import KeyValue
from training.ra_blip.checkpoint import load_checkpoint
from training.ra_blip.config import RaBlipConfig, load_config
from training.ra_blip.graphs import GraphExport, build_graph_exports, kv_names
from training.ra_blip.minilm import load_tokenizer
from training.ra_blip.model import RaBlip
from training.ra_blip.onnx_bundle import (
    WEIGHTS_FILE,
    GraphSpec,
    WeightsFile,
    build_manifest,
    check_session,
    export_graph,
    open_session,
    save_graph,
    write_json,
)
from training.ra_blip.quantize import quantize_bundle

FAMILY = "ra-blip"
DECODER_TOLERANCE = 1e-4


@dataclass(frozen=True)
class ExportSummary:
    """Where the bundle went and what it holds."""

    out: str
    graphs: int
    parameters: int
    weights_bytes: int
    unique_tensors: int
    quantize: str | None
    seconds: float


def export_bundle(
    model: RaBlip, out_dir: Path, metrics: Mapping[str, float], quantize: str | None = None
) -> ExportSummary:
    """Write the bundle of `model` into `out_dir` (created; existing bundle files are replaced)."""
    started = time.perf_counter()
    model.eval()
    out_dir.mkdir(parents=True, exist_ok=True)
    exports = build_graph_exports(model)
    paths = [out_dir / graph.spec.file for graph in exports]
    with WeightsFile(out_dir / WEIGHTS_FILE) as weights:
        for graph, path in zip(exports, paths, strict=True):
            onnx_model = export_graph(graph.module, graph.example_inputs, graph.spec)
            weights.externalize(onnx_model)
            save_graph(onnx_model, path)
        shared = weights.summary()
    if quantize is not None:
        shared = quantize_bundle(paths, out_dir / WEIGHTS_FILE, quantize)
    for graph in exports:
        check_session(open_session(out_dir / graph.spec.file), graph.spec)
    if quantize is None:
        check_decoder(model, out_dir, _spec(exports, "gen_decoder"))
    load_tokenizer().save(str(out_dir / "tokenizer.json"))
    parameters = sum(p.numel() for p in model.parameters())
    manifest = ra_blip_manifest(model.config, [graph.spec for graph in exports], {"parameters": parameters, **metrics})
    write_json(out_dir / "manifest.json", manifest)
    return ExportSummary(
        out=str(out_dir),
        graphs=len(exports),
        parameters=parameters,
        weights_bytes=shared.n_bytes,
        unique_tensors=shared.n_unique,
        quantize=quantize,
        seconds=round(time.perf_counter() - started, 2),
    )


def ra_blip_manifest(config: RaBlipConfig, graphs: Sequence[GraphSpec], metrics: Mapping[str, float]) -> dict[str, Any]:
    vit, qformer, gen, prompt, askg = config.vit, config.qformer, config.generator, config.prompt, config.askg
    return build_manifest(
        family=FAMILY,
        name=config.name,
        version=config.version,
        config_hash=config.hash(),
        image={"size": vit.image_size, "mean": list(vit.mean), "std": list(vit.std)},
        text={
            "qformer": {"tokenizer": "tokenizer.json", "maxLength": qformer.max_instruction_tokens},
            "generator": {
                "tokenizer": "tokenizer.json",
                "maxLength": gen.max_positions,
                "padId": gen.pad_id,
                "decoderStartId": gen.decoder_start_id,
                "eosId": gen.eos_id,
                "imageTokenId": gen.image_token_id,
            },
        },
        dims={
            "nPatch": vit.n_patch,
            "dVit": vit.d_vit,
            "nQuery": qformer.n_query,
            "dQformer": qformer.d_qformer,
            "dModel": gen.d_model,
            "vocab": gen.vocab_size,
            "dEmbed": config.fusion.d_embed,
            "nDecoderLayers": gen.n_decoder_layers,
            "nHeads": gen.n_heads,
            "dHead": gen.d_head,
        },
        graphs=graphs,
        prompt={
            "questionPrefix": prompt.question_prefix,
            "questionImage": prompt.question_image,
            "referencesHeader": prompt.references_header,
            "noReferences": prompt.no_references,
            "referenceNumber": prompt.reference_number,
            "imageReference": prompt.image_reference,
            "textReference": prompt.text_reference,
            "maxRefTokens": prompt.max_ref_tokens,
            "maxReferences": prompt.max_references,
            "instructionJoin": prompt.instruction_join,
        },
        askg={
            "relevantPrefix": askg.relevant_prefix,
            "answerPrefix": askg.answer_prefix,
            "separator": askg.separator,
            "none": askg.none,
        },
        metrics=metrics,
    )


@torch.no_grad()
def check_decoder(model: RaBlip, out_dir: Path, spec: GraphSpec, past_lengths: Sequence[int] = (0, 1, 9)) -> None:
    """Run the exported decoder from past lengths 0, 1 and many against PyTorch; raise on a mismatch."""
    gen = model.config.generator
    session = open_session(out_dir / spec.file)
    generator = torch.Generator().manual_seed(0)
    batch, enc_seq = 2, 5
    mask = torch.ones(batch, enc_seq, dtype=torch.int64)
    mask[1, 3:] = 0
    shape = (batch, gen.n_heads, enc_seq, gen.d_head)
    cross = [torch.randn(shape, generator=generator) for _ in range(2 * gen.n_decoder_layers)]
    ids = torch.tensor([[gen.decoder_start_id], [2003]])
    prompt_ids = torch.tensor([[2054, gen.image_token_id, 3007, 2054, gen.eos_id], [1996, 3007, 1997, 0, 0]])
    for length in past_lengths:
        past = [torch.randn(batch, gen.n_heads, length, gen.d_head, generator=generator) for _ in cross]
        feeds: dict[str, np.ndarray] = {"input_ids": ids.numpy(), "encoder_attention_mask": mask.numpy()}
        if gen.copy_head:
            feeds["prompt_ids"] = prompt_ids.numpy()
        names = kv_names("cross", gen.n_decoder_layers) + kv_names("past", gen.n_decoder_layers)
        feeds.update({name: tensor.numpy() for name, tensor in zip(names, cross + past, strict=True)})
        logits = session.run(["logits"], feeds)[0]
        step = model.decode_step(ids, mask, _pairs(cross), _pairs(past), prompt_ids)
        if gen.copy_head:
            # Log-probabilities: compare probabilities, or clamped near-zero ones (log 1e-12) swing by more than
            # anything a sampler could notice.
            diff = float(np.abs(np.exp(logits) - np.exp(step.logits.numpy())).max())
        else:
            diff = float(np.abs(logits - step.logits.numpy()).max())
        if diff > DECODER_TOLERANCE:
            raise ValueError(f"gen_decoder differs from PyTorch by {diff} at past length {length}")


def _pairs(tensors: list[torch.Tensor]) -> list[KeyValue]:
    return [KeyValue(key=tensors[i], value=tensors[i + 1]) for i in range(0, len(tensors), 2)]


def _spec(exports: Sequence[GraphExport], name: str) -> GraphSpec:
    return next(graph.spec for graph in exports if graph.spec.name == name)


def build_model(config: RaBlipConfig, checkpoint: Path | None, seed: int) -> tuple[RaBlip, dict[str, float]]:
    """A random-init model (seeded) or the checkpoint's weights, whose config must equal `config` but for `version`.

    The version names a release of the weights, so one checkpoint may be released again (re-quantised, say) under a
    new version; the manifest takes `config`'s.
    """
    torch.manual_seed(seed)
    model = RaBlip(config)
    if checkpoint is None:
        return model, {}
    loaded = load_checkpoint(checkpoint)
    if loaded.config.hash() != dataclasses.replace(config, version=loaded.config.version).hash():
        raise ValueError(f"{checkpoint} was trained with another config than the one given")
    model.load_state_dict(loaded.state_dict)
    return model, loaded.metrics


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", type=Path, required=True, help="training/configs/*.json")
    parser.add_argument("--out", type=Path, required=True, help="bundle directory")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--checkpoint", type=Path, help="checkpoint written by training (save_checkpoint)")
    source.add_argument("--random-init", action="store_true", help="random weights (tests, benchmarks)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the random init (default 0)")
    parser.add_argument("--quantize", choices=["int8"], help="int8 weights in blocks of 32 (MatMul/Gemm/Gather)")
    args = parser.parse_args(argv)
    model, metrics = build_model(load_config(args.config), args.checkpoint, args.seed)
    summary = export_bundle(model, args.out, metrics, args.quantize)
    print(json.dumps(dataclasses.asdict(summary)))


if __name__ == "__main__":
    main()
