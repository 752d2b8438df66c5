/**
 * One validated invocation -> one model call -> the wire response. The only place that maps operations to the
 * `ModelClient` port inside the container.
 * @module
 */
import type { ModelClient } from '../src/core/ports.js';
import {
  encodeTensor,
  fromEmbedKnowledgeRequest,
  fromGenerateRequest,
  toEmbedKnowledgeResponse,
  type InvocationRequest,
} from './wire.js';

/** Runs `request` on `model` and returns the JSON body of the answer. */
export async function runInvocation(model: ModelClient, request: InvocationRequest): Promise<unknown> {
  switch (request.operation) {
    case 'info':
      return model.info();
    case 'embed_text': {
      const rows = await model.embedText(request.texts);
      return { embeddings: encodeTensor(concatRows(rows), [rows.length, rows[0]?.length ?? 0]) };
    }
    case 'embed_knowledge':
      return toEmbedKnowledgeResponse(await model.embedKnowledge(fromEmbedKnowledgeRequest(request)));
    case 'generate':
      return model.generate(fromGenerateRequest(request));
  }
}

/** `[batch]` rows of `[d_embed]` -> one row-major `[batch, d_embed]` array. */
function concatRows(rows: readonly Float32Array[]): Float32Array {
  const width = rows[0]?.length ?? 0;
  const out = new Float32Array(rows.length * width);
  rows.forEach((row, i) => out.set(row, i * width));
  return out;
}
