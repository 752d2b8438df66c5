"""PyTorch eager timings of the RA-BLIP operations the TypeScript runtime also times (`npm run bench`).

    .venv/bin/python -m training.bench_torch --config training/configs/demo.json --threads 2 --json

Random weights (seeded): timings do not depend on them. Each figure is the median over `--runs` runs after
`--warmup` runs, tokenisation included, under `torch.inference_mode()`:

- `embedTextMs`: one question -> text branch -> fusion -> embedding;
- `embedKnowledgeMs`: one image (pixels already normalised) + caption -> ViT -> Q-Former -> fusion -> embedding;
- `generateMs`: question + 5 references (2 images with cached ViT features, 3 texts) -> Q-Former per image with
  the `{question} | {caption}` instruction -> prompt -> encoder -> 16 greedy tokens with the KV cache
  (`min_new_tokens` 16, so exactly 16 steps);
- `decodeMsPerToken8` / `decodeMsPerToken64`: decoder-only time of 8 / 64 greedy steps on that prompt, per token.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

import torch

from training.ra_blip import (
    EncoderOutput,
    GenerationConfig,
    ImageReference,
    PromptSpecialIds,
    RaBlip,
    Reference,
    TextReference,
    build_prompt,
    build_qformer_instruction,
    encode_qformer_instruction,
    greedy_search,
    load_config,
    load_tokenizer,
    pad_token_ids,
)

QUESTION = "Which country's flag shows a red field with a yellow sun, and what is its capital?"
CAPTIONS = ("A red flag with a yellow sun of forty rays in the middle.", "A blue and yellow horizontal bicolour flag.")
TEXTS = (
    "Kyrgyzstan is a landlocked country in Central Asia; its capital and largest city is Bishkek.",
    "The flag of Kyrgyzstan was adopted in 1992 and shows a tunduk, the crown of a yurt, inside a sun.",
    "Ukraine's flag is a banner of two equal horizontal bands of blue and yellow, adopted in 1918.",
)
# Retrieval scores of the prompt's references in order, as bench/model/runtime-timings.ts.
SCORES = (0.82, 0.77, 0.41, 0.63, 0.35)
GENERATE_TOKENS = 16


@dataclass(frozen=True)
class BenchResult:
    runtime: str
    torchVersion: str
    threads: int
    config: str
    runs: int
    warmup: int
    promptTokens: int
    generateTokens: int
    embedTextMs: float
    embedKnowledgeMs: float
    generateMs: float
    decodeMsPerToken8: float
    decodeMsPerToken64: float


def median_ms(action: Callable[[], object], runs: int, warmup: int) -> float:
    for _ in range(warmup):
        action()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(samples), 3)


class Bench:
    """The timed operations over one model, tokenizer and fixed inputs."""

    def __init__(self, model: RaBlip) -> None:
        self.model = model
        self.tokenizer = load_tokenizer()
        cfg = model.config
        self.limit = cfg.qformer.max_instruction_tokens
        size = cfg.vit.image_size
        generator = torch.Generator().manual_seed(0)
        self.pixels = torch.rand(1, 3, size, size, generator=generator) * 2 - 1
        # Knowledge images' ViT features are computed at ingest and cached; generate starts from them.
        self.image_embeds = model.encode_image(torch.rand(2, 3, size, size, generator=generator) * 2 - 1)
        gen = cfg.generator
        self.special = PromptSpecialIds(gen.image_token_id, gen.eos_id, cfg.qformer.n_query, gen.max_positions)

    def _ids(self, text: str) -> list[int]:
        return encode_qformer_instruction(self.tokenizer, text, self.limit)

    def embed_text(self) -> torch.Tensor:
        batch = pad_token_ids([self._ids(QUESTION)], pad_id=0)
        return self.model.embed_text(batch.input_ids, batch.attention_mask)

    def embed_knowledge(self) -> torch.Tensor:
        batch = pad_token_ids([self._ids(CAPTIONS[0])], pad_id=0)
        image_embeds = self.model.encode_image(self.pixels)
        query = self.model.qformer(image_embeds, batch.input_ids, batch.attention_mask).query
        return self.model.embed_knowledge(query, batch.input_ids, batch.attention_mask)

    def encode(self) -> tuple[EncoderOutput, torch.Tensor]:
        cfg = self.model.config
        instructions = [build_qformer_instruction(cfg.prompt, QUESTION, caption) for caption in CAPTIONS]
        batch = pad_token_ids([self._ids(text) for text in instructions], pad_id=0)
        query = self.model.qformer(self.image_embeds, batch.input_ids, batch.attention_mask).query
        image_queries = query.reshape(1, -1, query.shape[-1])  # slots in order: [1, 2 * n_query, d_qformer]
        references: list[Reference] = [ImageReference(CAPTIONS[0]), TextReference(TEXTS[0])]
        references += [ImageReference(CAPTIONS[1]), TextReference(TEXTS[1]), TextReference(TEXTS[2])]
        prompt = build_prompt(self.tokenizer, cfg.prompt, self.special, QUESTION, False, references)
        ids = torch.tensor([prompt.input_ids])
        mask = torch.ones_like(ids)
        scores = torch.tensor([SCORES]) if cfg.generator.reference_scores else None
        return self.model.encode_prompt(ids, mask, image_queries, scores), mask

    def decode(self, encoder: EncoderOutput, mask: torch.Tensor, tokens: int) -> list[int]:
        gen = self.model.config.generator
        config = GenerationConfig(tokens, gen.eos_id, gen.decoder_start_id, min_new_tokens=tokens)
        step = self.model.step_function(encoder, mask, 1)
        return greedy_search(step, self.model.empty_past(1), config).sequences[0]

    def generate(self) -> list[int]:
        encoder, mask = self.encode()
        return self.decode(encoder, mask, GENERATE_TOKENS)


def run(config_path: str, threads: int, runs: int, warmup: int, seed: int) -> BenchResult:
    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    model = RaBlip(load_config(config_path)).eval()
    with torch.inference_mode():
        bench = Bench(model)
        encoder, mask = bench.encode()
        decode_runs = max(3, runs // 2)
        per_token = {n: median_ms(partial(bench.decode, encoder, mask, n), decode_runs, 1) / n for n in (8, 64)}
        return BenchResult(
            runtime="pytorch-eager",
            torchVersion=torch.__version__,
            threads=threads,
            config=config_path,
            runs=runs,
            warmup=warmup,
            promptTokens=int(mask.shape[1]),
            generateTokens=len(bench.generate()),
            embedTextMs=median_ms(bench.embed_text, runs, warmup),
            embedKnowledgeMs=median_ms(bench.embed_knowledge, runs, warmup),
            generateMs=median_ms(bench.generate, runs, warmup),
            decodeMsPerToken8=round(per_token[8], 3),
            decodeMsPerToken64=round(per_token[64], 3),
        )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", default="training/configs/demo.json")
    parser.add_argument("--threads", type=int, default=2, help="torch intra-op threads (default 2)")
    parser.add_argument("--runs", type=int, default=10, help="timed runs per operation (default 10)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed runs first (default 2)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true", help="print one JSON object (else one line per figure)")
    args = parser.parse_args(argv)
    torch.set_num_interop_threads(1)
    result = run(args.config, args.threads, args.runs, args.warmup, args.seed)
    if args.json:
        print(json.dumps(result.__dict__))
    else:
        for key, value in result.__dict__.items():
            print(f"{key:>20}  {value}")


if __name__ == "__main__":
    main()
