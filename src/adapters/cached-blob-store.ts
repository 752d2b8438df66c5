/**
 * A `BlobStore` decorator that keeps recently read blobs of some keys in memory, least recently used out first.
 * The answer path reads the cached ViT features of every image reference on every request; from memory that costs a
 * copy instead of a file open and read (or an S3 GET).
 * @module
 */
import type { BlobStore } from '../core/ports.js';

/** Options of `CachedBlobStore`. */
export interface CachedBlobStoreOptions {
  /** Upper bound on the bytes held; a blob larger than this alone is never cached. 0 caches nothing. */
  readonly maxBytes: number;
  /**
   * Which keys to cache. Only keys whose bytes never change while the key exists are safe when another process
   * (an ingest worker, a CLI) may write the same store: this store sees only its own writes.
   */
  readonly isCacheable: (key: string) => boolean;
}

/**
 * Read-through LRU over another `BlobStore`, bounded in bytes. `get` of a cacheable key answers a copy of the cached
 * bytes, so a caller that changes them cannot change the cache. This store's own `put` and `delete` drop the key from
 * the cache; concurrent misses of one key share one read of `inner`.
 */
export class CachedBlobStore implements BlobStore {
  private readonly inner: BlobStore;
  private readonly maxBytes: number;
  private readonly isCacheable: (key: string) => boolean;
  /** Insertion order is recency order: a hit moves its key to the end, eviction takes from the front. */
  private readonly entries = new Map<string, Uint8Array>();
  private readonly reading = new Map<string, Promise<Uint8Array>>();
  /** Bumped by every write through this store; a read that began before a write does not fill the cache. */
  private writes = 0;
  private heldBytes = 0;

  constructor(inner: BlobStore, options: CachedBlobStoreOptions) {
    if (!Number.isFinite(options.maxBytes) || options.maxBytes < 0) {
      throw new RangeError(`maxBytes must be a finite number >= 0, got ${options.maxBytes}`);
    }
    this.inner = inner;
    this.maxBytes = options.maxBytes;
    this.isCacheable = options.isCacheable;
  }

  /** Bytes and blobs held now (for tests and diagnostics). */
  get stats(): { readonly entries: number; readonly bytes: number } {
    return { entries: this.entries.size, bytes: this.heldBytes };
  }

  async put(key: string, bytes: Uint8Array, contentType: string): Promise<void> {
    this.forget(key);
    try {
      await this.inner.put(key, bytes, contentType);
    } finally {
      // A read that raced the write may have cached the old bytes meanwhile.
      this.forget(key);
    }
  }

  async get(key: string): Promise<Uint8Array> {
    if (this.maxBytes === 0 || !this.isCacheable(key)) return this.inner.get(key);
    const cached = this.entries.get(key);
    if (cached !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, cached);
      return cached.slice();
    }
    return (await (this.reading.get(key) ?? this.readThrough(key))).slice();
  }

  async delete(key: string): Promise<void> {
    this.forget(key);
    try {
      await this.inner.delete(key);
    } finally {
      this.forget(key);
    }
  }

  /** One read of `inner` that every concurrent miss of `key` waits on; it fills the cache unless a write intervened. */
  private readThrough(key: string): Promise<Uint8Array> {
    const writesBefore = this.writes;
    const pending = this.inner.get(key).then((bytes) => {
      if (this.writes === writesBefore) this.remember(key, bytes);
      return bytes;
    });
    this.reading.set(key, pending);
    const settle = (): void => {
      if (this.reading.get(key) === pending) this.reading.delete(key);
    };
    pending.then(settle, settle);
    return pending;
  }

  private remember(key: string, bytes: Uint8Array): void {
    if (bytes.byteLength > this.maxBytes) return;
    this.drop(key);
    // Our own copy: the inner store may hand out a view of a buffer it reuses.
    this.entries.set(key, bytes.slice());
    this.heldBytes += bytes.byteLength;
    for (const [oldest, held] of this.entries) {
      if (this.heldBytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.heldBytes -= held.byteLength;
    }
  }

  private forget(key: string): void {
    this.writes += 1;
    this.reading.delete(key);
    this.drop(key);
  }

  private drop(key: string): void {
    const held = this.entries.get(key);
    if (held === undefined) return;
    this.entries.delete(key);
    this.heldBytes -= held.byteLength;
  }
}
