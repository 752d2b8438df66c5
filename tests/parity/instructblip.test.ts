/**
 * A Hugging Face InstructBLIP (T5) checkpoint, exported by training/export_hf.py, run by the TypeScript runtime:
 * vision -> Q-Former -> gen_encoder -> greedy loop must give the 16 tokens of HF's own `generate`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KvCache, ModelRuntime, packImageQueries, packTokenBatch } from '../../src/core/model/index.js';
import { TOLERANCE, fixtureBatch, maxAbsDiff, parityBundleDir, readFixture } from './parity-fixture.js';
import type { FixtureTensor } from './parity-fixture.js';

interface InstructBlipFixture {
  readonly family: string;
  readonly question: string;
  readonly pixel_values: FixtureTensor;
  readonly qformer_input_ids: number[][];
  readonly qformer_attention_mask: number[][];
  readonly input_ids: number[][];
  readonly attention_mask: number[][];
  readonly query_output: FixtureTensor;
  readonly first_logits: FixtureTensor;
  readonly max_new_tokens: number;
  readonly min_new_tokens: number;
  readonly hf_generate_ids: number[];
}

const fixture = readFixture<InstructBlipFixture>('instructblip-tiny');
let runtime: ModelRuntime;
let queryOutput: Float32Array;

beforeAll(async () => {
  runtime = await ModelRuntime.load(parityBundleDir('instructblip-tiny'), { intraOpNumThreads: 1 });
  const batch = fixture.pixel_values.shape[0]!;
  const imageEmbeds = await runtime.graphs.runVision(Float32Array.from(fixture.pixel_values.data), batch);
  const instruction = fixtureBatch(fixture.qformer_input_ids, fixture.qformer_attention_mask);
  queryOutput = await runtime.graphs.runQformer(imageEmbeds, instruction);
});

afterAll(async () => {
  await runtime?.release();
});

describe('HF InstructBLIP export runs in the TypeScript runtime', () => {
  it('is an instructblip-t5 bundle without retrieval graphs', () => {
    expect(runtime.manifest.family).toBe(fixture.family);
    expect(runtime.bundle.sessions.embed_text).toBeUndefined();
    expect(runtime.info().dEmbed).toBe(0);
  });

  it('tokenizes the question with both tokenizers as Python does', () => {
    const { qformer, generator } = runtime.bundle.tokenizers;
    const { imageTokenId } = runtime.manifest.text.generator;
    expect(qformer.encode(fixture.question)).toEqual(fixture.qformer_input_ids[0]);
    const textIds = fixture.input_ids[0]!.filter((id) => id !== imageTokenId);
    expect(generator.encode(fixture.question)).toEqual(textIds);
  });

  it('matches the Q-Former output of HF within 1e-4', () => {
    expect(maxAbsDiff(queryOutput, fixture.query_output)).toBeGreaterThanOrEqual(0);
    expect(maxAbsDiff(queryOutput, fixture.query_output)).toBeLessThanOrEqual(TOLERANCE);
  });

  it('matches the first decoder logits of HF within 1e-4', async () => {
    const { padId, decoderStartId } = runtime.manifest.text.generator;
    const prompt = packTokenBatch(fixture.input_ids, padId);
    const encoded = await runtime.graphs.runGenEncoder(
      prompt,
      packImageQueries([queryOutput], runtime.manifest.dims.dQformer),
    );
    const cache = new KvCache(runtime.graphs.cacheDims, encoded.state, [1]);
    const { logits } = await runtime.graphs.decoderStep(BigInt64Array.of(BigInt(decoderStartId)), cache);
    expect(maxAbsDiff(logits, fixture.first_logits)).toBeGreaterThanOrEqual(0);
    expect(maxAbsDiff(logits, fixture.first_logits)).toBeLessThanOrEqual(TOLERANCE);
  });

  it('greedy decoding reproduces HF generate token for token, and the tokens vary', async () => {
    const [out] = await runtime.generateFromEncoderInputs(
      [{ inputIds: fixture.input_ids[0]!, attentionMask: fixture.attention_mask[0]!, imageQueries: queryOutput }],
      [{ maxNewTokens: fixture.max_new_tokens, minNewTokens: fixture.min_new_tokens, noRepeatNgramSize: 0 }],
    );
    expect(out!.tokens).toEqual(fixture.hf_generate_ids);
    expect(out!.tokens).toHaveLength(16);
    expect(new Set(out!.tokens).size).toBeGreaterThan(1);
  });

  it('refuses the ASKG answer path, which needs a prompt format', async () => {
    await expect(runtime.generate([{ question: 'what?', references: [] }])).rejects.toThrow(/no prompt format/);
  });
});
