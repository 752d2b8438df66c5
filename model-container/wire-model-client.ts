/**
 * A `ModelClient` over the container's wire format and any transport. `model-http.ts` (fetch) and
 * `model-sagemaker.ts` (SageMaker runtime SDK) each supply the transport and translate their own transport errors;
 * this file owns chunking, the size limit and response validation, so both speak exactly the same protocol.
 * @module
 */
import type { z } from 'zod';
import { AppError } from '../src/core/errors.js';
import type {
  EmbeddedKnowledge,
  GenerateRequest,
  GenerateResult,
  KnowledgeInput,
  ModelClient,
  ModelInfo,
} from '../src/core/ports.js';
import {
  MAX_INVOCATION_BYTES,
  MAX_ITEMS_PER_CALL,
  decodeRows,
  embedKnowledgeResponseSchema,
  embedTextResponseSchema,
  fromEmbedKnowledgeResponse,
  generateResponseSchema,
  infoResponseSchema,
  toEmbedKnowledgeRequest,
  toGenerateRequest,
  type InvocationRequest,
} from './wire.js';

/** Sends one serialised request and returns the parsed JSON of a success; throws an `AppError` otherwise. */
export interface InvocationTransport {
  invoke(body: string): Promise<unknown>;
}

export interface WireModelClientOptions {
  /**
   * Knowledge items per `embed_knowledge` call. Each image item returns its `[n_patch, d_vit]` features, so this
   * bounds the response size (the demo bundle: about 67 KB of base64 per image).
   * @default 8
   */
  readonly knowledgeItemsPerCall?: number;
}

/** ModelClient over a transport that speaks the container's JSON wire format (model-container/wire.ts). */
export class WireModelClient implements ModelClient {
  private readonly knowledgeItemsPerCall: number;

  constructor(
    private readonly transport: InvocationTransport,
    options: WireModelClientOptions = {},
  ) {
    this.knowledgeItemsPerCall = options.knowledgeItemsPerCall ?? 8;
  }

  async info(): Promise<ModelInfo> {
    return this.call({ operation: 'info' }, infoResponseSchema);
  }

  async embedText(texts: readonly string[]): Promise<Float32Array[]> {
    const rows: Float32Array[] = [];
    for (const chunk of chunksOf(texts, MAX_ITEMS_PER_CALL)) {
      const body = await this.call({ operation: 'embed_text', texts: [...chunk] }, embedTextResponseSchema);
      const chunkRows = decodeRows(body.embeddings);
      expectCount(chunkRows.length, chunk.length, 'embed_text');
      rows.push(...chunkRows);
    }
    return rows;
  }

  async embedKnowledge(items: readonly KnowledgeInput[]): Promise<EmbeddedKnowledge[]> {
    const results: EmbeddedKnowledge[] = [];
    for (const chunk of chunksOf(items, this.knowledgeItemsPerCall)) {
      const body = await this.call(toEmbedKnowledgeRequest(chunk), embedKnowledgeResponseSchema);
      expectCount(body.items.length, chunk.length, 'embed_knowledge');
      results.push(...fromEmbedKnowledgeResponse(body));
    }
    return results;
  }

  async generate(request: GenerateRequest): Promise<GenerateResult> {
    return this.call(toGenerateRequest(request), generateResponseSchema);
  }

  private async call<S extends z.ZodType>(request: InvocationRequest, schema: S): Promise<z.infer<S>> {
    const body = JSON.stringify(request);
    const bytes = Buffer.byteLength(body);
    if (bytes > MAX_INVOCATION_BYTES) {
      throw new AppError(
        'payload_too_large',
        `${request.operation} request is ${bytes} bytes; the model endpoint takes at most ${MAX_INVOCATION_BYTES}`,
      );
    }
    const parsed = schema.safeParse(await this.transport.invoke(body));
    if (!parsed.success) {
      throw new AppError('model_unavailable', `model endpoint sent an invalid ${request.operation} response`, {
        cause: parsed.error,
      });
    }
    return parsed.data;
  }
}

function* chunksOf<T>(items: readonly T[], size: number): Generator<readonly T[]> {
  for (let start = 0; start < items.length; start += size) yield items.slice(start, start + size);
}

function expectCount(actual: number, expected: number, operation: string): void {
  if (actual !== expected) {
    throw new AppError('model_unavailable', `model endpoint returned ${actual} ${operation} results for ${expected}`);
  }
}
