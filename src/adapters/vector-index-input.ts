/**
 * Input checks shared by every `VectorIndex` adapter, so that all backends reject the same calls with the same code.
 * @module
 */
import { AppError } from '../core/errors.js';
import type { VectorRecord } from '../core/ports.js';

/**
 * Largest `topK` accepted. Pinecone allows 10,000 but caps a result at 4 MB; with metadata included, 1,000 matches of
 * up to ~4 KB each stay under it. The answer path asks for tens.
 */
export const MAX_TOP_K = 1000;

/** A namespace is a tenant id: non-empty, and short enough for every backend. */
export function assertNamespace(namespace: string): void {
  if (namespace.length === 0 || namespace.length > 256) {
    throw new AppError('invalid_input', `namespace must be 1-256 characters, got ${namespace.length}`);
  }
}

/** `topK` is an integer in `[1, MAX_TOP_K]`. */
export function assertTopK(topK: number): void {
  if (!Number.isInteger(topK) || topK < 1 || topK > MAX_TOP_K) {
    throw new AppError('invalid_input', `topK must be an integer in [1, ${MAX_TOP_K}], got ${topK}`);
  }
}

/** A vector has the index's dimension and only finite values. */
export function assertVector(values: Float32Array, dimensions: number, label: string): void {
  if (values.length !== dimensions) {
    throw new AppError('invalid_input', `${label} has ${values.length} dimensions; the index holds ${dimensions}`);
  }
  if (!values.every(Number.isFinite)) {
    throw new AppError('invalid_input', `${label} holds a NaN or infinite value`);
  }
}

/** Ids are non-empty, at most 512 characters (Pinecone's limit), and unique within one upsert. */
export function assertRecords(records: readonly VectorRecord[], dimensions: number): void {
  const seen = new Set<string>();
  for (const record of records) {
    if (record.id.length === 0 || record.id.length > 512) {
      throw new AppError('invalid_input', `vector id must be 1-512 characters, got ${record.id.length}`);
    }
    if (seen.has(record.id)) throw new AppError('invalid_input', `vector id ${record.id} appears twice in one upsert`);
    seen.add(record.id);
    assertVector(record.values, dimensions, `vector ${record.id}`);
  }
}
