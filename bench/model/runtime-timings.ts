/**
 * Times the TypeScript runtime on the operations `training/bench_torch.py` times, with the same texts, the same
 * reference order and the same run counts, so that the two can be divided.
 * @module
 */
import sharp from 'sharp';
import {
  ModelRuntime,
  generateSequences,
  packImageQueries,
  packReferenceScores,
  packTokenBatch,
  resolveGenerationConfig,
} from '../../src/core/model/index.js';
import type { RuntimeGenerateRequest } from '../../src/core/model/index.js';
import type { GenerationReference } from '../../src/core/ports.js';

// The inputs of training/bench_torch.py, verbatim.
const QUESTION = "Which country's flag shows a red field with a yellow sun, and what is its capital?";
const CAPTIONS = [
  'A red flag with a yellow sun of forty rays in the middle.',
  'A blue and yellow horizontal bicolour flag.',
];
const TEXTS = [
  'Kyrgyzstan is a landlocked country in Central Asia; its capital and largest city is Bishkek.',
  'The flag of Kyrgyzstan was adopted in 1992 and shows a tunduk, the crown of a yurt, inside a sun.',
  "Ukraine's flag is a banner of two equal horizontal bands of blue and yellow, adopted in 1918.",
];
/** Retrieval scores of the prompt's references in order (image 0, text 0, image 1, text 1, text 2), as bench_torch.py. */
const SCORES = [0.82, 0.77, 0.41, 0.63, 0.35];
const GENERATE_TOKENS = 16;

/** Medians, in ms, and what they were measured on. */
export interface RuntimeTimings {
  readonly runtime: 'onnxruntime-node';
  readonly threads: number;
  readonly runs: number;
  readonly warmup: number;
  readonly loadMs: number;
  readonly promptTokens: number;
  readonly generateTokens: number;
  readonly embedTextMs: number;
  readonly embedKnowledgeMs: number;
  readonly generateMs: number;
  readonly decodeMsPerToken8: number;
  readonly decodeMsPerToken64: number;
}

function median(samples: readonly number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function timeMs(action: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await action();
  return performance.now() - started;
}

/** Median wall time of `action` over `runs` runs after `warmup` untimed ones (as statistics.median), to µs. */
async function medianMs(action: () => Promise<unknown>, runs: number, warmup: number): Promise<number> {
  for (let i = 0; i < warmup; i++) await action();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) samples.push(await timeMs(action));
  return Math.round(median(samples) * 1000) / 1000;
}

/** A PNG of seeded noise at the model's image size (what the knowledge builder renders). */
async function noisePng(size: number, seed: number): Promise<Uint8Array> {
  const pixels = new Uint8Array(size * size * 3);
  let state = seed;
  for (let i = 0; i < pixels.length; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    pixels[i] = state >>> 24;
  }
  return sharp(pixels, { raw: { width: size, height: size, channels: 3 } })
    .png()
    .toBuffer();
}

/** Loads the bundle with `threads` intra-op threads and times every operation. */
export async function timeRuntime(
  bundleDir: string,
  threads: number,
  runs: number,
  warmup: number,
): Promise<RuntimeTimings> {
  const loadStarted = performance.now();
  const runtime = await ModelRuntime.load(bundleDir, { intraOpNumThreads: threads });
  const loadMs = Math.round(performance.now() - loadStarted);
  try {
    const size = runtime.manifest.image.size;
    const image = await noisePng(size, 1);
    const features = await runtime.encodeImages([await noisePng(size, 2), await noisePng(size, 3)]);
    const imageRef = (i: number): GenerationReference => ({
      id: `img-${i}`,
      kind: 'image',
      features: features[i]!,
      caption: CAPTIONS[i]!,
    });
    const textRef = (i: number): GenerationReference => ({ id: `txt-${i}`, kind: 'text', text: TEXTS[i]! });
    const references = [imageRef(0), textRef(0), imageRef(1), textRef(1), textRef(2)];
    const request: RuntimeGenerateRequest = {
      question: QUESTION,
      references: references.map((reference, i) => ({ ...reference, score: SCORES[i]! })),
      // No n-gram ban: bench_torch.py decodes the raw model, and the two should do the same work.
      options: { maxNewTokens: GENERATE_TOKENS, minNewTokens: GENERATE_TOKENS, noRepeatNgramSize: 0 },
    };
    const prompt = runtime.buildPrompt(request);
    const [queries] = await runtime.queryImageSlots([request]);
    const encoded = await runtime.graphs.runGenEncoder(
      packTokenBatch([prompt.inputIds], runtime.manifest.text.generator.padId),
      packImageQueries([queries!], runtime.manifest.dims.dQformer),
      packReferenceScores([SCORES]),
    );
    const { eosId, decoderStartId } = runtime.manifest.text.generator;
    const decode = (tokens: number) => {
      const options = { maxNewTokens: tokens, minNewTokens: tokens, noRepeatNgramSize: 0 };
      const config = resolveGenerationConfig(options, { eosTokenId: eosId, decoderStartTokenId: decoderStartId });
      return generateSequences(runtime.graphs.decoderStep, runtime.graphs.cacheDims, encoded.state, [config]);
    };
    // 8- and 64-token runs alternate, so that a change in machine load hits both alike.
    const decodeRuns = Math.max(5, runs - 1);
    await decode(8);
    await decode(64);
    const samples = { 8: [] as number[], 64: [] as number[] };
    for (let i = 0; i < decodeRuns; i++) {
      for (const tokens of [8, 64] as const) samples[tokens].push(await timeMs(() => decode(tokens)));
    }
    const decodeMsPerToken8 = median(samples[8]) / 8;
    const decodeMsPerToken64 = median(samples[64]) / 64;
    const [generated] = await runtime.generate([request]);
    return {
      runtime: 'onnxruntime-node',
      threads,
      runs,
      warmup,
      loadMs,
      promptTokens: prompt.inputIds.length,
      generateTokens: generated!.usage.generatedTokens,
      embedTextMs: await medianMs(() => runtime.embedText([QUESTION]), runs, warmup),
      embedKnowledgeMs: await medianMs(
        () => runtime.embedKnowledge([{ kind: 'image', image, caption: CAPTIONS[0]! }]),
        runs,
        warmup,
      ),
      generateMs: await medianMs(() => runtime.generate([request]), runs, warmup),
      decodeMsPerToken8: Math.round(decodeMsPerToken8 * 1000) / 1000,
      decodeMsPerToken64: Math.round(decodeMsPerToken64 * 1000) / 1000,
    };
  } finally {
    await runtime.release();
  }
}
