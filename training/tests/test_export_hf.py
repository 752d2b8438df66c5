"""HF InstructBLIP (T5) export: the ONNX bundle reproduces HF `generate` token for token.

Builds a tiny random `InstructBlipForConditionalGeneration` checkpoint (no download), exports it with
`training.export_hf` into build/parity/instructblip-tiny/, and compares onnxruntime with HF torch. It also writes
build/parity/instructblip-tiny/fixture.json, the HF reference that tests/parity/instructblip.test.ts checks the
TypeScript runtime against.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnx
import pytest
import torch
from safetensors.torch import load_file, save_file
from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors
from transformers import InstructBlipConfig, InstructBlipForConditionalGeneration

from training.export_hf import export_instructblip, main
from training.hf_bundle.ort_greedy import BundleSessions, generate_greedy

REPO = Path(__file__).resolve().parents[2]
BUNDLE_DIR = REPO / "build" / "parity" / "instructblip-tiny"
N_QUERY, IMAGE_SIZE, GEN_VOCAB, QFORMER_VOCAB, IMAGE_TOKEN = 4, 16, 120, 64, 119
NEW_TOKENS = 16
QUESTION = "what is the small red object on the table"
WORDS = "what is the a small red blue object on table cat dog sits near of and in picture".split()
TOLERANCE = 1e-4


def _tiny_config() -> InstructBlipConfig:
    return InstructBlipConfig(
        vision_config={
            "hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 2, "num_attention_heads": 2,
            "image_size": IMAGE_SIZE, "patch_size": 4,
        },
        qformer_config={
            "vocab_size": QFORMER_VOCAB, "hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 2,
            "intermediate_size": 64, "max_position_embeddings": 64,
        },
        text_config={
            # Few buckets and a short max distance, so 16+ decoded tokens reach T5's log-spaced and clamped buckets.
            "model_type": "t5", "vocab_size": GEN_VOCAB, "d_model": 32, "d_kv": 8, "d_ff": 64, "num_layers": 2,
            "num_decoder_layers": 2, "num_heads": 4, "relative_attention_num_buckets": 8,
            "relative_attention_max_distance": 16, "feed_forward_proj": "gated-gelu", "tie_word_embeddings": False,
            "decoder_start_token_id": 0, "pad_token_id": 0, "eos_token_id": 1,
        },
        num_query_tokens=N_QUERY,
        image_token_id=IMAGE_TOKEN,
    )


def _word_vocab(specials: list[str], size: int, tail: list[str]) -> dict[str, int]:
    words = specials + WORDS + [f"w{i}" for i in range(size)]
    vocab = {word: i for i, word in enumerate(words[: size - len(tail)])}
    return vocab | {word: size - len(tail) + i for i, word in enumerate(tail)}


def _generator_tokenizer() -> Tokenizer:
    """T5-like: `<pad>` 0, `</s>` 1, `<unk>` 2, EOS appended, `<image>` as the last id."""
    tok = Tokenizer(models.WordLevel(_word_vocab(["<pad>", "</s>", "<unk>"], GEN_VOCAB, ["<image>"]), "<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tok.post_processor = processors.TemplateProcessing(single="$A </s>", special_tokens=[("</s>", 1)])
    tok.add_special_tokens(["<pad>", "</s>", "<unk>", "<image>"])
    return tok


def _qformer_tokenizer() -> Tokenizer:
    """BERT-like: lowercased, `[CLS] … [SEP]`."""
    tok = Tokenizer(models.WordLevel(_word_vocab(["[PAD]", "[UNK]", "[CLS]", "[SEP]"], QFORMER_VOCAB, []), "[UNK]"))
    tok.normalizer = normalizers.Lowercase()
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", special_tokens=[("[CLS]", 2), ("[SEP]", 3)]
    )
    tok.add_special_tokens(["[PAD]", "[UNK]", "[CLS]", "[SEP]"])
    return tok


def _write_checkpoint(out: Path) -> None:
    torch.manual_seed(0)
    model = InstructBlipForConditionalGeneration(_tiny_config())
    with torch.no_grad():  # the default tiny init decodes token 0 forever; this one varies
        for param in model.parameters():
            param.normal_(0.0, 0.3)
    model.save_pretrained(out)
    # Like Flan-T5, the checkpoint holds its own LM head; HF then leaves it untied from the embedding. Unit scale
    # keeps the greedy path's top-1 / top-2 gaps above 0.01 (this seed: 8 distinct tokens in 16).
    weights = load_file(out / "model.safetensors")
    weights["language_model.lm_head.weight"] = torch.randn(GEN_VOCAB, 32, generator=torch.Generator().manual_seed(1))
    save_file(weights, out / "model.safetensors", metadata={"format": "pt"})
    _generator_tokenizer().save(str(out / "tokenizer.json"))
    (out / "tokenizer_config.json").write_text(json.dumps({"model_max_length": 1e30}))  # HF's "no limit"
    (out / "qformer_tokenizer").mkdir()
    _qformer_tokenizer().save(str(out / "qformer_tokenizer" / "tokenizer.json"))
    (out / "qformer_tokenizer" / "tokenizer_config.json").write_text(json.dumps({"model_max_length": 32}))
    processor = {"size": {"height": IMAGE_SIZE, "width": IMAGE_SIZE}, "image_mean": [0.5] * 3, "image_std": [0.5] * 3}
    (out / "preprocessor_config.json").write_text(json.dumps(processor))


@dataclass(frozen=True)
class Prompt:
    pixel_values: torch.Tensor  # [1, 3, size, size]
    qformer_input_ids: torch.Tensor  # [1, seq]
    qformer_attention_mask: torch.Tensor
    input_ids: torch.Tensor  # [1, enc_seq]: N_QUERY image placeholders, then the question and EOS
    attention_mask: torch.Tensor

    def np(self) -> dict[str, np.ndarray]:
        return {name: value.numpy() for name, value in self.__dict__.items()}


@dataclass(frozen=True)
class Export:
    checkpoint: Path
    hf: InstructBlipForConditionalGeneration
    bundle: BundleSessions
    prompt: Prompt
    hf_tokens: list[int]


def _prompt() -> Prompt:
    qformer_ids = _qformer_tokenizer().encode(QUESTION).ids
    ids = [IMAGE_TOKEN] * N_QUERY + _generator_tokenizer().encode(QUESTION).ids
    return Prompt(
        torch.randn(1, 3, IMAGE_SIZE, IMAGE_SIZE, generator=torch.Generator().manual_seed(1)),
        torch.tensor([qformer_ids]),
        torch.ones(1, len(qformer_ids), dtype=torch.int64),
        torch.tensor([ids]),
        torch.ones(1, len(ids), dtype=torch.int64),
    )


def _tensor_json(x: torch.Tensor | np.ndarray) -> dict[str, object]:
    array = np.asarray(x, dtype=np.float32)
    return {"shape": list(array.shape), "data": array.reshape(-1).tolist()}


def _write_fixture(hf: InstructBlipForConditionalGeneration, prompt: Prompt, tokens: list[int]) -> None:
    with torch.no_grad():
        features = hf.get_image_features(
            prompt.pixel_values, prompt.qformer_input_ids, prompt.qformer_attention_mask, return_dict=True
        )
        first = hf(**prompt.__dict__, decoder_input_ids=torch.tensor([[0]])).logits[:, 0]  # [1, vocab]
    fixture = {
        "family": "instructblip-t5",
        "question": QUESTION,
        "pixel_values": _tensor_json(prompt.pixel_values),
        "qformer_input_ids": prompt.qformer_input_ids.tolist(),
        "qformer_attention_mask": prompt.qformer_attention_mask.tolist(),
        "input_ids": prompt.input_ids.tolist(),
        "attention_mask": prompt.attention_mask.tolist(),
        "query_output": _tensor_json(features.qformer_outputs.last_hidden_state[:, :N_QUERY]),
        "first_logits": _tensor_json(first),
        "max_new_tokens": NEW_TOKENS,
        "min_new_tokens": NEW_TOKENS,
        "hf_generate_ids": tokens,
    }
    (BUNDLE_DIR / "fixture.json").write_text(json.dumps(fixture))


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Export]:
    checkpoint = tmp_path_factory.mktemp("instructblip-tiny-hf")
    _write_checkpoint(checkpoint)
    assert main(["--checkpoint", str(checkpoint), "--out", str(BUNDLE_DIR)]) == 0
    hf = InstructBlipForConditionalGeneration.from_pretrained(checkpoint).eval()
    prompt = _prompt()
    with torch.no_grad():
        out = hf.generate(
            **prompt.__dict__, do_sample=False, num_beams=1, max_new_tokens=NEW_TOKENS, min_new_tokens=NEW_TOKENS
        )
    hf_tokens = out[0, 1:].tolist()  # drop the decoder start token
    _write_fixture(hf, prompt, hf_tokens)
    yield Export(checkpoint, hf, BundleSessions.load(BUNDLE_DIR), prompt, hf_tokens)


def test_onnx_greedy_reproduces_hf_generate_and_tokens_vary(export: Export) -> None:
    result = generate_greedy(export.bundle, **export.prompt.np(), max_new_tokens=NEW_TOKENS, min_new_tokens=NEW_TOKENS)
    assert len(export.hf_tokens) == NEW_TOKENS
    assert result.tokens == export.hf_tokens
    assert len(set(result.tokens)) >= 4, f"degenerate greedy output {result.tokens}"


def test_query_output_and_first_logits_match_torch(export: Export) -> None:
    fixture = json.loads((BUNDLE_DIR / "fixture.json").read_text())
    result = generate_greedy(export.bundle, **export.prompt.np(), max_new_tokens=1)
    want_query = np.array(fixture["query_output"]["data"]).reshape(fixture["query_output"]["shape"])
    want_logits = np.array(fixture["first_logits"]["data"]).reshape(fixture["first_logits"]["shape"])
    assert np.abs(result.query_output - want_query).max() < TOLERANCE
    assert np.abs(result.first_logits - want_logits).max() < TOLERANCE
    assert np.abs(want_logits).max() > 0.1  # not trivially zero


def test_decoder_step_matches_teacher_forced_torch_at_past_0_1_and_many(export: Export) -> None:
    # 24 steps: past lengths 0 … 23, beyond the decoder's exact (< 4) and log-spaced (< 16) bucket ranges.
    targets = torch.tensor([[0, *export.hf_tokens, *export.hf_tokens[:7]]])  # [1, 24]
    with torch.no_grad():
        want = export.hf(**export.prompt.__dict__, decoder_input_ids=targets).logits[0].numpy()  # [24, vocab]
    # The greedy path must not hinge on a near tie, or float noise in another runtime could flip a token.
    top2 = np.sort(np.delete(want[:NEW_TOKENS], 1, axis=1), axis=1)[:, -2:]  # EOS (id 1) is masked while decoding
    assert (top2[:, 1] - top2[:, 0]).min() > 1e-3
    prompt = export.prompt.np()
    encoded = export.bundle.run(
        "gen_encoder",
        {
            "input_ids": prompt["input_ids"],
            "attention_mask": prompt["attention_mask"],
            "image_queries": generate_greedy(export.bundle, **prompt, max_new_tokens=1).query_output,
        },
    )
    cross = {name: value for name, value in encoded.items() if name.startswith("cross_")}
    past = {name.replace("cross_", "past_"): value[:, :, :0] for name, value in cross.items()}
    diffs: list[float] = []
    for step in range(targets.shape[1]):
        out = export.bundle.run(
            "gen_decoder",
            {"input_ids": targets[:, step : step + 1].numpy(), "encoder_attention_mask": prompt["attention_mask"]}
            | cross
            | past,
        )
        assert out["present_0_k"].shape[2] == step + 1
        diffs.append(float(np.abs(out["logits"][0] - want[step]).max()))
        past = {name.replace("present_", "past_"): value for name, value in out.items() if name.startswith("present_")}
    assert max(diffs) < TOLERANCE, diffs


def test_padded_batch_matches_torch(export: Export) -> None:
    """Batch 2 with padding in both the Q-Former instruction and the generator prompt: masks are honoured."""
    hf, prompt = export.hf, export.prompt
    pixels = torch.cat([prompt.pixel_values, -prompt.pixel_values])
    q_ids = torch.cat([prompt.qformer_input_ids, prompt.qformer_input_ids])
    q_mask = torch.ones_like(q_ids)
    q_mask[1, 4:] = 0
    ids = torch.cat([prompt.input_ids, prompt.input_ids])
    ids[1, -3:] = 0
    mask = (ids != 0).to(torch.int64)
    with torch.no_grad():
        features = hf.get_image_features(pixels, q_ids, q_mask, return_dict=True)
        want_query = features.qformer_outputs.last_hidden_state[:, :N_QUERY]
        embeds = hf.get_input_embeddings()(ids)
        embeds = embeds.masked_scatter(hf.get_placeholder_mask(ids, embeds), features.pooler_output)
        want_hidden = hf.language_model.encoder(inputs_embeds=embeds, attention_mask=mask).last_hidden_state
    image_embeds = export.bundle.run("vision", {"pixel_values": pixels.numpy()})["image_embeds"]
    query = export.bundle.run(
        "qformer", {"image_embeds": image_embeds, "input_ids": q_ids.numpy(), "attention_mask": q_mask.numpy()}
    )["query_output"]
    hidden = export.bundle.run(
        "gen_encoder", {"input_ids": ids.numpy(), "attention_mask": mask.numpy(), "image_queries": query}
    )["encoder_hidden"]
    assert np.abs(query - want_query.numpy()).max() < TOLERANCE
    valid = mask.numpy().astype(bool)
    assert np.abs(hidden - want_hidden.numpy())[valid].max() < TOLERANCE


def test_manifest_describes_the_sessions(export: Export) -> None:
    manifest = export.bundle.manifest
    assert manifest["family"] == "instructblip-t5" and manifest["formatVersion"] == 1
    assert manifest["dims"] == {
        "nPatch": 17, "dVit": 32, "nQuery": N_QUERY, "dQformer": 32, "dModel": 32, "vocab": GEN_VOCAB,
        "nDecoderLayers": 2, "nHeads": 4, "dHead": 8,
    }
    assert manifest["image"] == {"size": IMAGE_SIZE, "mean": [0.5] * 3, "std": [0.5] * 3}
    assert manifest["text"]["generator"] == {
        "tokenizer": "tokenizer.json", "maxLength": 512, "padId": 0, "decoderStartId": 0, "eosId": 1,
        "imageTokenId": IMAGE_TOKEN,
    }
    assert manifest["text"]["qformer"] == {"tokenizer": "qformer_tokenizer.json", "maxLength": 32}
    assert set(manifest["graphs"]) == {"vision", "qformer", "gen_encoder", "gen_decoder"}
    for name, graph in manifest["graphs"].items():
        session = export.bundle.sessions[name]
        for declared, actual in ((graph["inputs"], session.get_inputs()), (graph["outputs"], session.get_outputs())):
            assert [t["name"] for t in declared] == [a.name for a in actual]
            assert [t["shape"] for t in declared] == [a.shape for a in actual]
    assert Tokenizer.from_file(str(BUNDLE_DIR / "tokenizer.json")).encode("what <image>").ids == [3, IMAGE_TOKEN, 1]
    assert Tokenizer.from_file(str(BUNDLE_DIR / "qformer_tokenizer.json")).get_vocab_size() == QFORMER_VOCAB


def test_shared_embedding_is_stored_once_in_weights_bin(export: Export) -> None:
    def external(graph: str) -> dict[tuple[int, ...], tuple[str, str]]:
        model = onnx.load(str(BUNDLE_DIR / f"{graph}.onnx"), load_external_data=False)
        found: dict[tuple[int, ...], tuple[str, str]] = {}
        for tensor in model.graph.initializer:
            if tensor.data_location == onnx.TensorProto.EXTERNAL:
                info = {entry.key: entry.value for entry in tensor.external_data}
                assert info["location"] == "weights.bin"
                found[tuple(tensor.dims)] = (info["offset"], info["length"])
        return found

    embedding = (GEN_VOCAB, 32)  # [vocab, d_model], used by both generator graphs
    assert external("gen_encoder")[embedding] == external("gen_decoder")[embedding]


def test_refuses_to_replace_a_directory_that_is_not_a_bundle(export: Export, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("keep me")
    with pytest.raises(ValueError, match="holds no bundle"):
        export_instructblip(str(export.checkpoint), tmp_path)
    assert (tmp_path / "notes.txt").read_text() == "keep me"
