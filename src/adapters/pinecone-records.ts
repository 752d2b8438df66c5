/**
 * Our `VectorRecord`s as Pinecone records, split into upsert requests that respect Pinecone's limits.
 * Limits: https://docs.pinecone.io/reference/api/database-limits (1,000 records and 2 MB per upsert, 40 KB of
 * metadata per record, no null metadata values).
 * @module
 */
import type { PineconeRecord } from '@pinecone-database/pinecone';
import { AppError } from '../core/errors.js';
import type { VectorRecord } from '../core/ports.js';
import { compactMetadata } from './knowledge-metadata-schema.js';

/** The limits Pinecone documents for serverless indexes, in records and bytes. */
export const PINECONE_LIMITS = {
  /** Records per upsert, and ids per fetch or delete. */
  maxRecordsPerRequest: 1000,
  /** Body size of one upsert request (2 MB, read as 2,000,000 bytes to stay on the safe side). */
  maxRequestBytes: 2_000_000,
  /** Metadata of one record, as JSON (40 KB). */
  maxMetadataBytes: 40_960,
} as const;

/** The JSON envelope around the records of one upsert body: `{"vectors":[...],"namespace":"..."}`. */
const ENVELOPE_BYTES = 64;

/** Converts one record: values as a plain number array, metadata flat with absent fields dropped. */
export function toPineconeRecord(record: VectorRecord): PineconeRecord {
  const metadata = compactMetadata(record.metadata);
  const metadataBytes = Buffer.byteLength(JSON.stringify(metadata));
  if (metadataBytes > PINECONE_LIMITS.maxMetadataBytes) {
    throw new AppError(
      'payload_too_large',
      `metadata of vector ${record.id} is ${metadataBytes} bytes; Pinecone allows ${PINECONE_LIMITS.maxMetadataBytes}`,
    );
  }
  // A Float32Array would serialise as an object ({"0":…}); Pinecone wants an array.
  return { id: record.id, values: Array.from(record.values), metadata };
}

/**
 * Splits records into upsert batches of at most 1,000 records and 2 MB of JSON each. At 256 dimensions a record is
 * about 5 KB of JSON, so the byte limit binds first (about 400 records a batch).
 */
export function batchPineconeRecords(records: readonly PineconeRecord[], namespace: string): PineconeRecord[][] {
  const envelopeBytes = ENVELOPE_BYTES + Buffer.byteLength(namespace);
  const batches: PineconeRecord[][] = [];
  let batch: PineconeRecord[] = [];
  let batchBytes = envelopeBytes;
  for (const record of records) {
    const recordBytes = Buffer.byteLength(JSON.stringify(record)) + 1; // +1 for the comma
    if (envelopeBytes + recordBytes > PINECONE_LIMITS.maxRequestBytes) {
      throw new AppError('payload_too_large', `vector ${record.id} alone exceeds Pinecone's request size limit`);
    }
    if (
      batch.length === PINECONE_LIMITS.maxRecordsPerRequest ||
      batchBytes + recordBytes > PINECONE_LIMITS.maxRequestBytes
    ) {
      batches.push(batch);
      batch = [];
      batchBytes = envelopeBytes;
    }
    batch.push(record);
    batchBytes += recordBytes;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}
