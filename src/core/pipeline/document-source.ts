/**
 * Read access to the documents under one root (the S3 knowledge bucket, the local `./knowledge` folder, the demo
 * knowledge base), so that ingestion reads a document and its siblings the same way everywhere.
 * @module
 */
import type { BlobStore } from '../ports.js';
import { getBlobIfPresent } from './knowledge-records.js';

export interface DocumentSource {
  /** The bytes at a `/`-separated key relative to the root, or undefined when there is none. */
  read(key: string): Promise<Uint8Array | undefined>;
}

/** The documents of a BlobStore (e.g. an S3BlobStore on the knowledge bucket). */
export function blobStoreSource(blobs: BlobStore): DocumentSource {
  return { read: (key) => getBlobIfPresent(blobs, key) };
}
