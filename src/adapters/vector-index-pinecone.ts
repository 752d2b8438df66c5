/**
 * The Pinecone `VectorIndex`, over the official SDK (8.x): one Pinecone namespace per tenant.
 *
 * Writes are split to Pinecone's limits (`pinecone-records.ts`); fetch and delete go in chunks of 1,000 ids. SDK
 * errors become `AppError`s (`pinecone-error.ts`). Serverless indexes are eventually consistent: a vector may take a
 * moment to appear in `query` after `upsert` returns.
 * @module
 */
import { Pinecone, Errors, type Index, type RecordMetadata } from '@pinecone-database/pinecone';
import { AppError } from '../core/errors.js';
import type { VectorIndex, VectorMatch, VectorRecord } from '../core/ports.js';
import { knowledgeMetadataSchema } from './knowledge-metadata-schema.js';
import { translatePineconeError } from './pinecone-error.js';
import { batchPineconeRecords, PINECONE_LIMITS, toPineconeRecord } from './pinecone-records.js';
import { assertNamespace, assertRecords, assertTopK, assertVector } from './vector-index-input.js';

/** Which index to talk to: its data-plane host, or its name (resolved once with `GET /indexes/{name}`). */
export type PineconeIndexTarget = { readonly host: string } | { readonly name: string };

/** Options of `PineconeVectorIndex`. */
export interface PineconeVectorIndexOptions {
  readonly apiKey: string;
  readonly index: PineconeIndexTarget;
  /** Dimension of the index (the model's `dEmbed`); checked before any request. */
  readonly dimensions: number;
  /** Control-plane URL, used only to resolve an index name. @default the SDK's, https://api.pinecone.io */
  readonly controllerHostUrl?: string;
  /** How often the SDK retries a 5xx answer, with exponential backoff from 200 ms. @default 3 */
  readonly maxRetries?: number;
}

/** Maximum inner product search on a Pinecone serverless index (metric `dotproduct`, or `cosine` on unit vectors). */
export class PineconeVectorIndex implements VectorIndex {
  private readonly index: Index;
  private readonly dimensions: number;

  constructor(options: PineconeVectorIndexOptions) {
    const client = new Pinecone({
      apiKey: options.apiKey,
      ...(options.controllerHostUrl !== undefined && { controllerHostUrl: options.controllerHostUrl }),
      ...(options.maxRetries !== undefined && { maxRetries: options.maxRetries }),
    });
    this.index = client.index('host' in options.index ? { host: options.index.host } : { name: options.index.name });
    this.dimensions = options.dimensions;
  }

  async upsert(namespace: string, records: readonly VectorRecord[]): Promise<void> {
    assertNamespace(namespace);
    assertRecords(records, this.dimensions);
    const batches = batchPineconeRecords(records.map(toPineconeRecord), namespace);
    const target = this.index.namespace(namespace);
    for (const batch of batches) {
      await this.call('upsert', () => target.upsert({ records: batch }));
    }
  }

  async query(namespace: string, vector: Float32Array, topK: number): Promise<VectorMatch[]> {
    assertNamespace(namespace);
    assertVector(vector, this.dimensions, 'query vector');
    assertTopK(topK);
    const response = await this.call('query', () =>
      this.index.namespace(namespace).query({ topK, vector: Array.from(vector), includeMetadata: true }),
    );
    return response.matches.map((match) => {
      if (match.score === undefined)
        throw new AppError('backend_unavailable', `Pinecone returned no score for ${match.id}`);
      return { id: match.id, score: match.score, metadata: this.parseMetadata(match.metadata, match.id) };
    });
  }

  async fetch(namespace: string, ids: readonly string[]): Promise<VectorRecord[]> {
    assertNamespace(namespace);
    const found: VectorRecord[] = [];
    for (const chunk of chunkIds(ids)) {
      const response = await this.call('fetch', () => this.index.namespace(namespace).fetch({ ids: chunk }));
      for (const id of chunk) {
        const record = response.records[id];
        if (!record) continue;
        found.push({
          id,
          values: Float32Array.from(record.values ?? []),
          metadata: this.parseMetadata(record.metadata, id),
        });
      }
    }
    return found;
  }

  async delete(namespace: string, ids: readonly string[]): Promise<void> {
    assertNamespace(namespace);
    for (const chunk of chunkIds(ids)) {
      try {
        await this.index.namespace(namespace).deleteMany({ ids: chunk });
      } catch (error) {
        // Serverless answers 404 when the namespace does not exist: nothing to delete, which is what we want.
        if (error instanceof Errors.PineconeNotFoundError) continue;
        throw translatePineconeError(error, 'delete');
      }
    }
  }

  private async call<T>(action: string, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw translatePineconeError(error, action);
    }
  }

  private parseMetadata(metadata: RecordMetadata | undefined, id: string): VectorRecord['metadata'] {
    const parsed = knowledgeMetadataSchema.safeParse(metadata);
    if (!parsed.success) {
      throw new AppError(
        'backend_unavailable',
        `Pinecone returned unusable metadata for ${id}: ${parsed.error.message}`,
      );
    }
    return parsed.data;
  }
}

/** Splits ids into request-sized chunks; no chunk is empty (the SDK rejects an empty id list). */
function chunkIds(ids: readonly string[]): string[][] {
  const chunks: string[][] = [];
  for (let start = 0; start < ids.length; start += PINECONE_LIMITS.maxRecordsPerRequest) {
    chunks.push(ids.slice(start, start + PINECONE_LIMITS.maxRecordsPerRequest));
  }
  return chunks;
}
