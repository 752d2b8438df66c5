/**
 * A ModelClient that answers at once, to measure what the API costs around the model: `embedText` and `generate`
 * return without running anything, `embedKnowledge` and `info` go to the real model. Used only by the serving bench,
 * on a stack whose index and blobs the real model filled, so retrieval and assembly do their real work.
 * @module
 */
import { createHash } from 'node:crypto';
import type { GenerateRequest, GenerateResult, ModelClient, ModelInfo } from '../../src/core/ports.js';

/** A unit vector `[d_embed]` picked by the text's hash: retrieval still ranks the whole namespace. */
function hashedUnitVector(text: string, dEmbed: number): Float32Array {
  const vector = new Float32Array(dEmbed);
  vector[createHash('sha256').update(text).digest().readUInt32LE(0) % dEmbed] = 1;
  return vector;
}

/** The first reference is named relevant, so the response carries the same evidence as a real answer would. */
function instantAnswer(request: GenerateRequest): GenerateResult {
  const relevant = request.references.slice(0, 1).map((reference) => reference.id);
  return {
    answer: relevant.length === 0 ? '' : 'instant',
    relevant,
    abstained: relevant.length === 0,
    text: '',
    usage: { promptTokens: 0, generatedTokens: 0, modelMs: 0 },
  };
}

/** `model` with instant `embedText` and `generate` (see the module comment). */
export function withInstantAnswers(model: ModelClient, info: ModelInfo): ModelClient {
  return {
    info: () => model.info(),
    embedText: async (texts) => texts.map((text) => hashedUnitVector(text, info.dEmbed)),
    embedKnowledge: (items) => model.embedKnowledge(items),
    generate: async (request) => instantAnswer(request),
  };
}
