/**
 * A fake ModelClient for unit tests of pipeline and API logic (never for model behaviour). Embeddings are hashed
 * bags of words, so retrieval ranks by word overlap; an image with an empty caption (a visual key) embeds as a
 * pseudo-random unit vector seeded by its bytes, so the same image scores 1 and another ~0. `generate` is scripted,
 * by default "relevant = the references that share a content word with the question, answer = the first of them,
 * abstain when none does".
 * @module
 */
import { createHash } from 'node:crypto';
import { InvalidImageError } from '../../../src/core/errors.js';
import { computeVisualKeys } from '../../../src/core/model/visual-keys.js';
import type {
  EmbeddedKnowledge,
  GenerateRequest,
  GenerateResult,
  KnowledgeInput,
  ModelClient,
  ModelInfo,
} from '../../../src/core/ports.js';

export const FAKE_DIMENSIONS = 64;
/** Fake ViT features are `[n_patch, d_vit]` = `[4, 3]`. */
export const FAKE_FEATURE_DIMS = [4, 3] as const;
const STOPWORDS = new Set(['the', 'a', 'an', 'of', 'is', 'what', 'which', 'in', 'on', 'and', 'to', 'does', 'who']);

export interface FakeModelOptions {
  readonly info?: ModelInfo;
  readonly generate?: (request: GenerateRequest) => GenerateResult | Promise<GenerateResult>;
  /** Delay before `generate` resolves, to provoke timeouts. */
  readonly generateDelayMs?: number;
  /** Images the model refuses with InvalidImageError (as a runtime refuses undecodable bytes). */
  readonly refuseImage?: (image: Uint8Array) => boolean;
}

/** Content words of a text, lowercased. */
export function contentWords(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((word) => !STOPWORDS.has(word));
}

/** Hashed bag of words, L2-normalised `[FAKE_DIMENSIONS]`. */
export function bagOfWords(text: string): Float32Array {
  const vector = new Float32Array(FAKE_DIMENSIONS);
  for (const word of contentWords(text)) {
    const bucket = createHash('sha256').update(word).digest().readUInt32LE(0) % FAKE_DIMENSIONS;
    vector[bucket] = (vector[bucket] ?? 0) + 1;
  }
  const norm = Math.hypot(...vector) || 1;
  return vector.map((value) => value / norm);
}

/**
 * An image's visual key as the real model computes it (`computeVisualKeys`); bytes that are no image, which some
 * tests hand the fake, get a key hashed from the bytes instead.
 */
async function withVisualKey(result: EmbeddedKnowledge, item: KnowledgeInput): Promise<EmbeddedKnowledge> {
  if (item.kind !== 'image') return result;
  const visualKey = await computeVisualKeys([item.image], FAKE_DIMENSIONS).then(
    ([key]) => key!,
    () => hashedKey(item.image),
  );
  return { ...result, visualKey };
}

function hashedKey(bytes: Uint8Array): Float32Array {
  const digest = createHash('sha256').update(bytes).digest();
  const vector = Float32Array.from({ length: FAKE_DIMENSIONS }, (_, i) => digest[i % digest.length]! / 255 - 0.5);
  const norm = Math.hypot(...vector) || 1;
  return vector.map((value) => value / norm);
}

function referenceText(reference: GenerateRequest['references'][number]): string {
  return reference.kind === 'text' ? reference.text : reference.caption;
}

/** The default script: see the module comment. */
export function overlapAnswer(request: GenerateRequest): GenerateResult {
  const asked = new Set(contentWords(request.question));
  const relevant = request.references
    .filter((reference) => contentWords(referenceText(reference)).some((word) => asked.has(word)))
    .map((reference) => reference.id);
  const answer = relevant[0] ?? '';
  return {
    answer: answer === '' ? '' : `from ${answer}`,
    relevant,
    abstained: relevant.length === 0,
    text: relevant.length === 0 ? 'relevant: none' : `relevant: ${relevant.join(' ')}; answer: from ${answer}`,
    usage: { promptTokens: 10 + request.references.length * 5, generatedTokens: 4, modelMs: 7 },
  };
}

export class FakeModelClient implements ModelClient {
  readonly calls = {
    embedText: [] as (readonly string[])[],
    embedKnowledge: [] as (readonly KnowledgeInput[])[],
    generate: [] as GenerateRequest[],
  };
  private readonly options: FakeModelOptions;

  constructor(options: FakeModelOptions = {}) {
    this.options = options;
  }

  async info(): Promise<ModelInfo> {
    return this.options.info ?? { name: 'fake-model', version: '1', dEmbed: FAKE_DIMENSIONS };
  }

  async embedText(texts: readonly string[]): Promise<Float32Array[]> {
    this.calls.embedText.push(texts);
    return texts.map(bagOfWords);
  }

  async embedKnowledge(items: readonly KnowledgeInput[]): Promise<EmbeddedKnowledge[]> {
    this.calls.embedKnowledge.push(items);
    const results = items.map((item): EmbeddedKnowledge => {
      if (item.kind === 'text') return { embedding: bagOfWords(item.text) };
      if (this.options.refuseImage?.(item.image)) throw new InvalidImageError('fake model cannot decode this image');
      const [nPatch, dVit] = FAKE_FEATURE_DIMS;
      const data = Float32Array.from({ length: nPatch * dVit }, (_, i) => (item.image.length % 97) + i / 10);
      return { embedding: bagOfWords(item.caption), features: { dims: [nPatch, dVit], data } };
    });
    return Promise.all(results.map(async (result, i) => withVisualKey(result, items[i]!)));
  }

  async generate(request: GenerateRequest): Promise<GenerateResult> {
    this.calls.generate.push(request);
    if (this.options.generateDelayMs !== undefined) {
      await new Promise((resolve) => setTimeout(resolve, this.options.generateDelayMs));
    }
    return (this.options.generate ?? overlapAnswer)(request);
  }
}
