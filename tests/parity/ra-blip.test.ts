/**
 * The TypeScript runtime against PyTorch on the tiny ra-blip bundle (random init) that pytest exports with its
 * fixture: every graph within 1e-4, the same token ids from tokenizer, prompt, greedy and beam decoding.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  KvCache,
  ModelRuntime,
  packImageQueries,
  packReferenceScores,
  packTokenBatch,
} from '../../src/core/model/index.js';
import type { RuntimeGenerateRequest } from '../../src/core/model/index.js';
import type { ImageFeatures } from '../../src/core/ports.js';
import { TOLERANCE, fixtureBatch, maxAbsDiff, parityBundleDir, readFixture, unpad } from './parity-fixture.js';
import type { FixtureTensor } from './parity-fixture.js';

interface TextBatchFixture {
  readonly input_ids: number[][];
  readonly attention_mask: number[][];
}

interface GenerateCase {
  readonly question: string;
  readonly question_image_index: number | null;
  readonly references: ((
    { id: string; kind: 'image'; image_index: number; caption: string } | { id: string; kind: 'text'; text: string }
  ) & { score: number })[];
  readonly prompt_ids: number[];
  readonly qformer_instruction_ids: number[][];
  readonly image_queries: FixtureTensor;
  readonly encoder_hidden: FixtureTensor;
  readonly first_logits: FixtureTensor;
  readonly max_new_tokens: number;
  readonly min_new_tokens: number;
  readonly greedy_ids: number[];
  readonly num_beams: number;
  readonly length_penalty: number;
  readonly beam_ids: number[];
}

interface RaBlipFixture {
  readonly pixel_values: FixtureTensor;
  readonly image_embeds: FixtureTensor;
  readonly qformer: TextBatchFixture & { instructions: string[]; query_output: FixtureTensor };
  readonly embed_text: TextBatchFixture & { texts: string[]; embedding: FixtureTensor };
  readonly embed_knowledge: TextBatchFixture & {
    captions: string[];
    query_output: FixtureTensor;
    embedding: FixtureTensor;
  };
  readonly generate: GenerateCase;
  readonly generate_question_image: GenerateCase;
  readonly generate_no_image: GenerateCase;
}

const CASES = ['generate', 'generate_question_image', 'generate_no_image'] as const;
const fixture = readFixture<RaBlipFixture>('ra-blip-tiny');
let runtime: ModelRuntime;
let features: ImageFeatures[];
let imageEmbeds: Float32Array;

beforeAll(async () => {
  runtime = await ModelRuntime.load(parityBundleDir('ra-blip-tiny'), { intraOpNumThreads: 1 });
  imageEmbeds = await runtime.graphs.runVision(Float32Array.from(fixture.pixel_values.data), 2);
  const { nPatch, dVit } = runtime.manifest.dims;
  features = [0, 1].map((i) => ({
    dims: [nPatch, dVit] as const,
    data: imageEmbeds.slice(i * nPatch * dVit, (i + 1) * nPatch * dVit),
  }));
});

afterAll(async () => {
  await runtime?.release();
});

function requestOf(c: GenerateCase): RuntimeGenerateRequest {
  return {
    question: c.question,
    ...(c.question_image_index === null ? {} : { questionImageFeatures: features[c.question_image_index]! }),
    references: c.references.map((r) =>
      r.kind === 'image'
        ? { id: r.id, kind: 'image', caption: r.caption, features: features[r.image_index]!, score: r.score }
        : { id: r.id, kind: 'text', text: r.text, score: r.score },
    ),
  };
}

/** The case's retrieval scores in prompt order (the tiny generator reads them). */
function scoresOf(c: GenerateCase): number[] {
  return c.references.map((r) => r.score);
}

describe('ra-blip encoders match PyTorch', () => {
  it('vision', () => {
    expect(maxAbsDiff(imageEmbeds, fixture.image_embeds)).toBeGreaterThanOrEqual(0);
    expect(maxAbsDiff(imageEmbeds, fixture.image_embeds)).toBeLessThanOrEqual(TOLERANCE);
  });

  it('tokenizes instructions, texts and captions to the Python ids', () => {
    const tokenizer = runtime.bundle.tokenizers.qformer;
    const maxLength = runtime.manifest.text.qformer.maxLength;
    for (const [texts, batch] of [
      [fixture.qformer.instructions, fixture.qformer],
      [fixture.embed_text.texts, fixture.embed_text],
      [fixture.embed_knowledge.captions, fixture.embed_knowledge],
    ] as const) {
      expect(texts.map((t) => tokenizer.encode(t, { maxLength }))).toEqual(
        unpad(batch.input_ids, batch.attention_mask),
      );
    }
  });

  it('qformer, over a padded batch with a truncated instruction', async () => {
    const tokens = fixtureBatch(fixture.qformer.input_ids, fixture.qformer.attention_mask);
    const queries = await runtime.graphs.runQformer(imageEmbeds, tokens);
    expect(maxAbsDiff(queries, fixture.qformer.query_output)).toBeLessThanOrEqual(TOLERANCE);
  });

  it('embedText from raw text', async () => {
    const vectors = await runtime.embedText(fixture.embed_text.texts);
    const flat = Float32Array.from(vectors.flatMap((v) => [...v]));
    expect(maxAbsDiff(flat, fixture.embed_text.embedding)).toBeGreaterThanOrEqual(0);
    expect(maxAbsDiff(flat, fixture.embed_text.embedding)).toBeLessThanOrEqual(TOLERANCE);
  });

  it('embed_knowledge: caption-instructed queries and the fused embedding', async () => {
    const k = fixture.embed_knowledge;
    const captions = packTokenBatch(
      k.captions.map((c) =>
        runtime.bundle.tokenizers.qformer.encode(c, { maxLength: runtime.manifest.text.qformer.maxLength }),
      ),
      runtime.manifest.text.generator.padId,
    );
    const queries = await runtime.graphs.runQformer(imageEmbeds, captions);
    expect(maxAbsDiff(queries, k.query_output)).toBeLessThanOrEqual(TOLERANCE);
    const embedding = await runtime.graphs.runEmbedKnowledge(queries, captions);
    expect(maxAbsDiff(embedding, k.embedding)).toBeGreaterThanOrEqual(0);
    expect(maxAbsDiff(embedding, k.embedding)).toBeLessThanOrEqual(TOLERANCE);
  });
});

describe.each(CASES)('ra-blip generation matches PyTorch: %s', (name) => {
  const c = fixture[name];

  it('builds the same prompt and Q-Former instruction ids', () => {
    expect(runtime.buildPrompt(requestOf(c)).inputIds).toEqual(c.prompt_ids);
    const { prompt, text } = runtime.manifest;
    const instructions = [
      ...(c.question_image_index === null ? [] : [c.question]),
      ...c.references.flatMap((r) =>
        r.kind === 'image' ? [`${c.question}${prompt!.instructionJoin}${r.caption}`] : [],
      ),
    ];
    const tokenizer = runtime.bundle.tokenizers.qformer;
    expect(instructions.map((i) => tokenizer.encode(i, { maxLength: text.qformer.maxLength }))).toEqual(
      c.qformer_instruction_ids,
    );
  });

  it('gives the same image queries, encoder states and first-step logits', async () => {
    const [queries] = await runtime.queryImageSlots([requestOf(c)]);
    const packed = packImageQueries([queries!], runtime.manifest.dims.dQformer);
    expect(maxAbsDiff(packed.data, c.image_queries)).toBeLessThanOrEqual(TOLERANCE);
    const { padId, decoderStartId } = runtime.manifest.text.generator;
    const scores = packReferenceScores([scoresOf(c)]);
    const encoded = await runtime.graphs.runGenEncoder(packTokenBatch([c.prompt_ids], padId), packed, scores);
    expect(maxAbsDiff(encoded.encoderHidden, c.encoder_hidden)).toBeLessThanOrEqual(TOLERANCE);
    const cache = new KvCache(runtime.graphs.cacheDims, encoded.state, [1]);
    const { logits } = await runtime.graphs.decoderStep(BigInt64Array.of(BigInt(decoderStartId)), cache);
    expect(maxAbsDiff(logits, c.first_logits)).toBeGreaterThanOrEqual(0);
    expect(maxAbsDiff(logits, c.first_logits)).toBeLessThanOrEqual(TOLERANCE);
  });

  it('decodes the same greedy and beam ids, and the greedy ids vary', async () => {
    const [queries] = await runtime.queryImageSlots([requestOf(c)]);
    const input = { inputIds: c.prompt_ids, imageQueries: queries!, referenceScores: scoresOf(c) };
    // The raw model's choices, as the Python reference decodes them (no service decoding rules).
    const lengths = { maxNewTokens: c.max_new_tokens, minNewTokens: c.min_new_tokens, noRepeatNgramSize: 0 };
    const [greedy, beam] = await runtime.generateFromEncoderInputs(
      [input, input],
      [lengths, { ...lengths, numBeams: c.num_beams, lengthPenalty: c.length_penalty }],
    );
    expect(greedy!.tokens).toEqual(c.greedy_ids);
    expect(beam!.tokens).toEqual(c.beam_ids);
    expect(new Set(greedy!.tokens).size).toBeGreaterThan(1);
  });

  it('answers end to end with the text of those ids', async () => {
    // The Python reference decodes the raw model; whole words and the answer grammar are the service's own rules.
    const options = {
      maxNewTokens: c.max_new_tokens,
      minNewTokens: c.min_new_tokens,
      wholeWords: false,
      noRepeatNgramSize: 0,
      answerGrammar: false,
    };
    const [result] = await runtime.generate([{ ...requestOf(c), options }]);
    expect(result!.text).toBe(runtime.bundle.tokenizers.generator.decode(c.greedy_ids));
    expect(result!.usage).toMatchObject({ promptTokens: c.prompt_ids.length, generatedTokens: c.max_new_tokens });
  });
});

describe('ra-blip batched generation', () => {
  it('gives every request of a padded batch its own greedy ids', async () => {
    const requests = CASES.map((name) => ({
      ...requestOf(fixture[name]),
      options: { maxNewTokens: 16, minNewTokens: 16, noRepeatNgramSize: 0 },
    }));
    const queries = await runtime.queryImageSlots(requests);
    const inputs = CASES.map((name, i) => ({
      inputIds: fixture[name].prompt_ids,
      imageQueries: queries[i]!,
      referenceScores: scoresOf(fixture[name]),
    }));
    const out = await runtime.generateFromEncoderInputs(
      inputs,
      requests.map((r) => r.options),
    );
    expect(out.map((o) => o.tokens)).toEqual(CASES.map((name) => fixture[name].greedy_ids));
  });
});
