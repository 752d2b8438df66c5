/**
 * An in-memory BlobStore for unit tests of logic.
 * @module
 */
import { NotFoundError } from '../../../src/core/errors.js';
import type { BlobStore } from '../../../src/core/ports.js';

export class MemoryBlobStore implements BlobStore {
  readonly blobs = new Map<string, { bytes: Uint8Array; contentType: string }>();

  async put(key: string, bytes: Uint8Array, contentType: string): Promise<void> {
    this.blobs.set(key, { bytes: Uint8Array.from(bytes), contentType });
  }

  async get(key: string): Promise<Uint8Array> {
    const blob = this.blobs.get(key);
    if (blob === undefined) throw new NotFoundError(`no blob at ${key}`);
    return blob.bytes;
  }

  async delete(key: string): Promise<void> {
    this.blobs.delete(key);
  }

  /** Keys that start with a prefix. */
  keys(prefix = ''): string[] {
    return [...this.blobs.keys()].filter((key) => key.startsWith(prefix)).sort();
  }
}
