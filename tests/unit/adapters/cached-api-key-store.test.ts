import { describe, expect, it } from 'vitest';
import { CachedApiKeyStore } from '../../../src/adapters/cached-api-key-store.js';
import { MemoryApiKeyStore } from '../../support/fakes/memory-api-key-store.js';
import { keyHashOf } from '../../support/port-factories.js';

/** A MemoryApiKeyStore that counts lookups. */
class CountingApiKeyStore extends MemoryApiKeyStore {
  lookups = 0;

  override async tenantOf(keyHash: string): Promise<string | undefined> {
    this.lookups += 1;
    return super.tenantOf(keyHash);
  }
}

function setup(ttlMs: number, maxEntries: number) {
  const clock = { ms: 0 };
  const inner = new CountingApiKeyStore();
  const store = new CachedApiKeyStore(inner, { ttlMs, maxEntries, now: () => clock.ms });
  return { clock, inner, store };
}

describe('CachedApiKeyStore', () => {
  it('answers a known key from memory until its time is up, then asks the store again', async () => {
    const { clock, inner, store } = setup(60_000, 10);
    const hash = keyHashOf('key-1');
    inner.tenants.set(hash, 'acme');
    expect(await store.tenantOf(hash)).toBe('acme');
    clock.ms = 59_999;
    expect(await store.tenantOf(hash)).toBe('acme');
    expect(inner.lookups).toBe(1);

    inner.tenants.delete(hash); // removed at the store
    clock.ms = 60_000;
    expect(await store.tenantOf(hash)).toBeUndefined();
    expect(inner.lookups).toBe(2);
  });

  it('never caches an unknown key, so a key created elsewhere works at once', async () => {
    const { inner, store } = setup(60_000, 10);
    const hash = keyHashOf('created-later');
    expect(await store.tenantOf(hash)).toBeUndefined();
    inner.tenants.set(hash, 'acme'); // e.g. by `npm run api-key` in another process
    expect(await store.tenantOf(hash)).toBe('acme');
    expect(inner.lookups).toBe(2);
  });

  it('holds at most maxEntries keys, dropping the least recently used', async () => {
    const { inner, store } = setup(60_000, 2);
    const [a, b, c] = ['a', 'b', 'c'].map((key) => keyHashOf(key)) as [string, string, string];
    for (const hash of [a, b, c]) inner.tenants.set(hash, `tenant-${hash.slice(0, 4)}`);
    await store.tenantOf(a);
    await store.tenantOf(b);
    await store.tenantOf(a); // a is now the most recently used
    await store.tenantOf(c); // b goes
    inner.lookups = 0;
    await store.tenantOf(a);
    await store.tenantOf(c);
    expect(inner.lookups).toBe(0);
    await store.tenantOf(b);
    expect(inner.lookups).toBe(1);
  });

  it('puts through to the store and remembers the binding', async () => {
    const { inner, store } = setup(60_000, 10);
    const hash = keyHashOf('fresh');
    await store.put(hash, 'acme');
    expect(inner.tenants.get(hash)).toBe('acme');
    expect(await store.tenantOf(hash)).toBe('acme');
    expect(inner.lookups).toBe(0);
  });

  it('caches nothing with a zero ttl or size', async () => {
    for (const [ttlMs, maxEntries] of [
      [0, 10],
      [60_000, 0],
    ] as const) {
      const { inner, store } = setup(ttlMs, maxEntries);
      const hash = keyHashOf('k');
      inner.tenants.set(hash, 'acme');
      await store.tenantOf(hash);
      await store.tenantOf(hash);
      expect(inner.lookups).toBe(2);
    }
  });
});
