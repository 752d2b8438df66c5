"""Hugging Face InstructBLIP (T5) -> bundle export parts: graph wrappers, I/O specs, shared weights, ORT check."""

from __future__ import annotations

from training.hf_bundle.graph_specs import BundleDims, GraphSpec, TensorSpec, build_graph_specs
from training.hf_bundle.graphs import GenDecoderGraph, GenEncoderGraph, QFormerGraph, VisionGraph
from training.hf_bundle.ort_greedy import BundleSessions, GreedyResult, generate_greedy
from training.hf_bundle.shared_weights import SharedWeightsStats, SharedWeightsWriter

__all__ = [
    "BundleDims",
    "BundleSessions",
    "GenDecoderGraph",
    "GenEncoderGraph",
    "GraphSpec",
    "GreedyResult",
    "QFormerGraph",
    "SharedWeightsStats",
    "SharedWeightsWriter",
    "TensorSpec",
    "VisionGraph",
    "build_graph_specs",
    "generate_greedy",
]
