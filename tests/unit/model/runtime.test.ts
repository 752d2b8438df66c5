/**
 * ModelRuntime and the in-process ModelClient on the tiny ra-blip bundle that pytest exports: the image path from
 * encoded bytes, order and errors of mixed inputs, and micro-batching of concurrent answers.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInProcessModelClient } from '../../../src/adapters/model-in-process.js';
import { AppError, InvalidImageError } from '../../../src/core/errors.js';
import { ModelRuntime, packImageQueries, packReferenceScores, packTokenBatch } from '../../../src/core/model/index.js';
import type { GenerateRequest, ImageFeatures } from '../../../src/core/ports.js';
import { VISUAL_KEY_RASTER_SIZE, computeVisualKeys } from '../../../src/core/model/visual-keys.js';
import { parityBundleDir, readFixture } from '../../parity/parity-fixture.js';

readFixture('ra-blip-tiny'); // fails with "run pytest first" when the bundle is absent
let runtime: ModelRuntime;
let png: Uint8Array;

beforeAll(async () => {
  runtime = await ModelRuntime.load(parityBundleDir('ra-blip-tiny'), { intraOpNumThreads: 1 });
  png = await sharp({ create: { width: 40, height: 24, channels: 3, background: { r: 200, g: 30, b: 30 } } })
    .png()
    .toBuffer();
});

afterAll(async () => {
  await runtime?.release();
});

const norm = (v: Float32Array) => Math.hypot(...v);

describe('embedding knowledge', () => {
  it('returns unit vectors in input order, with ViT features for images only', async () => {
    const out = await runtime.embedKnowledge([
      { kind: 'text', text: 'Bishkek is the capital.' },
      { kind: 'image', image: png, caption: 'a red flag' },
      { kind: 'text', text: 'Another passage.' },
    ]);
    const { nPatch, dVit, dEmbed } = runtime.manifest.dims;
    expect(out.map((k) => k.embedding.length)).toEqual([dEmbed, dEmbed, dEmbed]);
    for (const k of out) expect(norm(k.embedding)).toBeCloseTo(1, 5);
    expect(out[0]!.features).toBeUndefined();
    expect(out[1]!.features!.dims).toEqual([nPatch, dVit]);
    const [alone] = await runtime.embedText(['Bishkek is the capital.']);
    // batched with padding: the same vector up to float rounding
    out[0]!.embedding.forEach((v, i) => expect(v).toBeCloseTo(alone![i]!, 5));
  });

  it('gives the ViT features that encodeImage gives', async () => {
    const [k] = await runtime.embedKnowledge([{ kind: 'image', image: png, caption: 'x' }]);
    const features = await runtime.encodeImage(png);
    expect(Array.from(k!.features!.data)).toEqual(Array.from(features.data));
  });

  it('gives the visual key that computeVisualKeys gives, for a bundle whose image size is not the key raster', async () => {
    expect(runtime.manifest.image.size).not.toBe(VISUAL_KEY_RASTER_SIZE);
    const [k] = await runtime.embedKnowledge([{ kind: 'image', image: png, caption: 'x' }]);
    const [key] = await computeVisualKeys([png], runtime.info().dEmbed);
    expect(Array.from(k!.visualKey!)).toEqual(Array.from(key!));
  });

  it('refuses bytes that are not an image', async () => {
    const bad = runtime.embedKnowledge([{ kind: 'image', image: new Uint8Array([1, 2, 3]), caption: 'x' }]);
    await expect(bad).rejects.toBeInstanceOf(InvalidImageError);
  });
});

describe('answering', () => {
  let features: ImageFeatures;
  beforeAll(async () => {
    features = await runtime.encodeImage(png);
  });

  const request = (question: string): GenerateRequest => ({
    question,
    references: [
      { id: 'kb-1', kind: 'image', features, caption: 'a red flag with a sun', score: 0.71 },
      { id: 'kb-2', kind: 'text', text: 'Bishkek is the capital of Kyrgyzstan.', score: 0.64 },
    ],
    options: { maxNewTokens: 6 },
  });

  it('reads the retrieval scores, and refuses a reference without one', async () => {
    expect(runtime.graphs.readsReferenceScores).toBe(true); // the tiny parity generator reads them
    const prompt = packTokenBatch([runtime.buildPrompt(request('q')).inputIds], 0);
    const [queries] = await runtime.queryImageSlots([request('q')]);
    const imageQueries = packImageQueries([queries!], runtime.manifest.dims.dQformer);
    const encode = (scores: number[]) =>
      runtime.graphs.runGenEncoder(prompt, imageQueries, packReferenceScores([scores]));
    const [high, low] = [await encode([0.71, 0.64]), await encode([0.12, 0.64])];
    expect(high.encoderHidden).not.toEqual(low.encoderHidden);
    const [image, text] = request('q').references;
    const unscored = { id: text!.id, kind: 'text' as const, text: (text as { text: string }).text };
    const bad = { ...request('q'), references: [image!, unscored] };
    await expect(runtime.generate([bad])).rejects.toThrow(/reference kb-2 has no retrieval score/);
  });

  it('decodes, parses and meters each request', async () => {
    const [result] = await runtime.generate([request('which flag?')]);
    expect(typeof result!.text).toBe('string');
    expect(result!.usage.promptTokens).toBe(runtime.buildPrompt(request('which flag?')).inputIds.length);
    expect(result!.usage.generatedTokens).toBeGreaterThan(0);
    expect(result!.usage.generatedTokens).toBeLessThanOrEqual(6);
    expect(result!.abstained).toBe(result!.answer === '');
  });

  it("keeps even random weights' output inside ASKG's grammar", async () => {
    const questions = ['which flag?', 'what is the capital?', 'is it red?', 'name the country'];
    const results = await runtime.generate(questions.map((q) => ({ ...request(q), options: { maxNewTokens: 16 } })));
    for (const { text, relevant, abstained } of results) {
      // `relevant : none`, or ascending numbers within the two references, then `; answer :` (cut at 16 tokens).
      expect(text).toMatch(/^relevant : (none|\[ 1 \]( \[ 2 \])?( ; answer :.*)?|\[ 2 \]( ; answer :.*)?)$/);
      expect(relevant.every((id) => id === 'kb-1' || id === 'kb-2')).toBe(true);
      if (!abstained) expect(text).toMatch(/; answer : \S/);
    }
  });

  it('refuses cached features of another shape', async () => {
    const stale = { dims: [3, 3] as const, data: new Float32Array(9) };
    const bad = { ...request('q'), references: [{ id: 'old', kind: 'image' as const, features: stale, caption: 'x' }] };
    await expect(runtime.generate([bad])).rejects.toThrow(/reference old: features are \[3, 3\]/);
    await expect(runtime.generate([bad])).rejects.toBeInstanceOf(AppError);
  });

  it('encodes a question image given as bytes', async () => {
    const withImage = { ...request('what is this?'), questionImage: png };
    const withFeatures = { ...request('what is this?'), questionImageFeatures: features };
    const [a, b] = await runtime.generate([withImage, withFeatures]);
    expect(a!.text).toBe(b!.text);
    expect(a!.usage.promptTokens).toBe(b!.usage.promptTokens);
  });

  it('micro-batches concurrent calls of the in-process client, each getting its own answer', async () => {
    const client = createInProcessModelClient(runtime, { batching: { maxBatch: 8, windowMs: 30 } });
    const questions = ['which flag?', 'what is the capital?', 'what colour is the sun?'];
    const together = await Promise.all(questions.map((q) => client.generate(request(q))));
    const alone = await Promise.all(questions.map((q) => runtime.generate([request(q)])));
    expect(together.map((r) => r.text)).toEqual(alone.map(([r]) => r!.text));
    // one batch: the three share one model time
    expect(new Set(together.map((r) => r.usage.modelMs)).size).toBe(1);
    const { model, dims } = runtime.manifest;
    expect(await client.info()).toEqual({ name: model.name, version: model.version, dEmbed: dims.dEmbed });
  });

  it('fails only the bad request of a client batch, with its own error code', async () => {
    const client = createInProcessModelClient(runtime, { batching: { maxBatch: 8, windowMs: 30 } });
    const stale = { dims: [3, 3] as const, data: new Float32Array(9) };
    const bad = { ...request('q'), references: [{ id: 'old', kind: 'image' as const, features: stale, caption: 'x' }] };
    const [good, failed] = await Promise.allSettled([client.generate(request('which flag?')), client.generate(bad)]);
    expect(good.status).toBe('fulfilled');
    expect(failed).toMatchObject({ status: 'rejected', reason: { code: 'invalid_input' } });
  });

  it('uses the unlinked-image bias only for a question image that linked to nothing', async () => {
    const biased = await ModelRuntime.load(parityBundleDir('ra-blip-tiny'), { abstainLogitBiasUnlinkedImage: 50 });
    try {
      const withFeatures = { ...request('what is this?'), questionImageFeatures: features };
      const [unlinked, linked, unknown, textOnly] = await biased.generate([
        { ...withFeatures, questionImageLinked: false },
        { ...withFeatures, questionImageLinked: true },
        withFeatures,
        { ...request('what is this?'), questionImageLinked: false },
      ]);
      const [asTrained, textAsTrained] = await runtime.generate([withFeatures, request('what is this?')]);
      expect(unlinked).toMatchObject({ abstained: true, relevant: [] });
      expect(linked!.text).toBe(asTrained!.text);
      expect(unknown!.text).toBe(asTrained!.text);
      // Without an image there is nothing to link, whatever the flag says.
      expect(textOnly!.text).toBe(textAsTrained!.text);
    } finally {
      await biased.release();
    }
  });
});

describe('the abstention bias', () => {
  it('comes from the option, else the manifest, else 0', async () => {
    expect(runtime.manifest.askg?.abstainLogitBias).toBeUndefined();
    expect(runtime.abstainLogitBias).toBe(0);
    expect(runtime.abstainLogitBiasUnlinkedImage).toBe(0);
    const biased = await ModelRuntime.load(parityBundleDir('ra-blip-tiny'), { abstainLogitBias: -1.5 });
    try {
      expect(biased.abstainLogitBias).toBe(-1.5);
      // The unlinked-image bias defaults to the general one.
      expect(biased.abstainLogitBiasUnlinkedImage).toBe(-1.5);
    } finally {
      await biased.release();
    }
  });
});
