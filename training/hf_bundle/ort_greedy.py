"""Greedy decoding over an exported `instructblip-t5` bundle with onnxruntime: the Python check of an export.

It mirrors what the TypeScript runtime does with the same graphs (vision -> qformer -> gen_encoder -> gen_decoder
steps with a growing self-attention cache), for one prompt, so an export can be compared with HF `generate`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnxruntime as ort

from training.ra_blip.onnx_bundle import open_session


@dataclass(frozen=True)
class BundleSessions:
    """One onnxruntime session per graph, plus the parsed manifest."""

    manifest: dict[str, object]
    sessions: dict[str, ort.InferenceSession]

    @staticmethod
    def load(bundle_dir: Path, threads: int = 1) -> BundleSessions:
        manifest = json.loads((bundle_dir / "manifest.json").read_text())
        graphs: dict[str, dict[str, object]] = manifest["graphs"]
        sessions = {name: open_session(bundle_dir / str(graph["file"]), threads) for name, graph in graphs.items()}
        return BundleSessions(manifest, sessions)

    def run(self, graph: str, feeds: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Runs `graph` and returns its outputs by name."""
        session = self.sessions[graph]
        names = [o.name for o in session.get_outputs()]
        return dict(zip(names, session.run(names, feeds), strict=True))


@dataclass(frozen=True)
class GreedyResult:
    """`query_output [1, n_query, d_qformer]`, the decoder's `first_logits [1, vocab]` and the new tokens."""

    query_output: np.ndarray
    first_logits: np.ndarray
    tokens: list[int]


def generate_greedy(
    bundle: BundleSessions,
    pixel_values: np.ndarray,
    qformer_input_ids: np.ndarray,
    qformer_attention_mask: np.ndarray,
    input_ids: np.ndarray,
    attention_mask: np.ndarray,
    max_new_tokens: int,
    min_new_tokens: int = 0,
) -> GreedyResult:
    """Greedy decoding for one prompt (batch 1), like HF `generate(do_sample=False, num_beams=1)`.

    `pixel_values [1, 3, size, size]`; `qformer_*` `[1, seq]`; `input_ids/attention_mask [1, enc_seq]` with
    `nQuery` image placeholders. The EOS logit is masked until `min_new_tokens` tokens exist; EOS then stops.
    """
    if pixel_values.shape[0] != 1:
        raise ValueError(f"generate_greedy decodes one prompt, got batch {pixel_values.shape[0]}")
    dims: dict[str, int] = bundle.manifest["dims"]  # type: ignore[assignment]
    generator: dict[str, int] = bundle.manifest["text"]["generator"]  # type: ignore[index]
    image_embeds = bundle.run("vision", {"pixel_values": pixel_values})["image_embeds"]
    query_output = bundle.run(
        "qformer",
        {"image_embeds": image_embeds, "input_ids": qformer_input_ids, "attention_mask": qformer_attention_mask},
    )["query_output"]
    encoded = bundle.run(
        "gen_encoder", {"input_ids": input_ids, "attention_mask": attention_mask, "image_queries": query_output}
    )
    cross = {name: value for name, value in encoded.items() if name.startswith("cross_")}
    past = {
        f"past_{layer}_{kind}": np.zeros((1, dims["nHeads"], 0, dims["dHead"]), dtype=np.float32)
        for layer in range(dims["nDecoderLayers"])
        for kind in ("k", "v")
    }
    token = generator["decoderStartId"]
    tokens: list[int] = []
    first_logits = np.zeros((1, dims["vocab"]), dtype=np.float32)
    for step in range(max_new_tokens):
        out = bundle.run(
            "gen_decoder",
            {
                "input_ids": np.array([[token]], dtype=np.int64),
                "encoder_attention_mask": attention_mask,
                **cross,
                **past,
            },
        )
        logits = out["logits"]  # [1, vocab]
        if step == 0:
            first_logits = logits.copy()
        if step < min_new_tokens:
            logits = logits.copy()
            logits[:, generator["eosId"]] = -np.inf
        token = int(np.argmax(logits[0]))
        tokens.append(token)
        if token == generator["eosId"]:
            break
        past = {name.replace("present_", "past_"): value for name, value in out.items() if name.startswith("present_")}
    return GreedyResult(query_output, first_logits, tokens)
