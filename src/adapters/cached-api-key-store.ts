/**
 * An `ApiKeyStore` decorator that remembers, for a while, which tenant a key hash belongs to, so that an
 * authenticated request does not read the key table every time.
 * @module
 */
import type { ApiKeyStore } from '../core/ports.js';

/** Options of `CachedApiKeyStore`. */
export interface CachedApiKeyStoreOptions {
  /** How long a known key is trusted without asking the store again: the delay before a key removed there stops working. */
  readonly ttlMs: number;
  /** Most key hashes held; the least recently used goes first. */
  readonly maxEntries: number;
  /** @default performance.now-like clock in ms */
  readonly now?: () => number;
}

interface Entry {
  readonly tenant: string;
  readonly expiresAt: number;
}

/**
 * Caches found keys only: a key created elsewhere (another process, the CLI) works at once, and unknown keys cannot
 * fill the cache. A hash is never rebound to another tenant (see the stores' `put`), so an entry can only be stale
 * by the key having been removed, and only for `ttlMs`.
 */
export class CachedApiKeyStore implements ApiKeyStore {
  private readonly inner: ApiKeyStore;
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;
  /** Insertion order is recency order, as in a `Map`-based LRU. */
  private readonly entries = new Map<string, Entry>();

  constructor(inner: ApiKeyStore, options: CachedApiKeyStoreOptions) {
    if (!(options.ttlMs >= 0) || !Number.isInteger(options.maxEntries) || options.maxEntries < 0) {
      throw new RangeError('ttlMs must be >= 0 and maxEntries an integer >= 0');
    }
    this.inner = inner;
    this.ttlMs = options.ttlMs;
    this.maxEntries = options.maxEntries;
    this.now = options.now ?? (() => performance.now());
  }

  async put(keyHash: string, tenant: string): Promise<void> {
    await this.inner.put(keyHash, tenant);
    this.remember(keyHash, tenant);
  }

  async tenantOf(keyHash: string): Promise<string | undefined> {
    const entry = this.entries.get(keyHash);
    if (entry !== undefined) {
      this.entries.delete(keyHash);
      if (entry.expiresAt > this.now()) {
        this.entries.set(keyHash, entry);
        return entry.tenant;
      }
    }
    const tenant = await this.inner.tenantOf(keyHash);
    if (tenant !== undefined) this.remember(keyHash, tenant);
    return tenant;
  }

  private remember(keyHash: string, tenant: string): void {
    if (this.maxEntries === 0 || this.ttlMs === 0) return;
    this.entries.delete(keyHash);
    this.entries.set(keyHash, { tenant, expiresAt: this.now() + this.ttlMs });
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(oldest);
    }
  }
}
