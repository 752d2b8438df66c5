import { describe, expect, it } from 'vitest';
import { CachedBlobStore } from '../../../src/adapters/cached-blob-store.js';
import { NotFoundError } from '../../../src/core/errors.js';
import { isFeaturesBlobKey } from '../../../src/core/pipeline/index.js';
import { MemoryBlobStore } from '../../support/fakes/memory-blob-store.js';

/** A MemoryBlobStore that counts `get`s and can hold them until released. */
class CountingBlobStore extends MemoryBlobStore {
  gets = 0;
  private held: (() => void)[] | undefined;

  hold(): void {
    this.held = [];
  }

  release(): void {
    const waiting = this.held ?? [];
    this.held = undefined;
    waiting.forEach((wake) => wake());
  }

  /** Reads at once, answers when released: a held read returns the bytes of the time it began. */
  override async get(key: string): Promise<Uint8Array> {
    this.gets += 1;
    const read = super.get(key);
    if (this.held !== undefined) await new Promise<void>((wake) => this.held?.push(wake));
    return read;
  }
}

const bytes = (length: number, fill: number): Uint8Array => new Uint8Array(length).fill(fill);

function setup(maxBytes: number, isCacheable: (key: string) => boolean = () => true) {
  const inner = new CountingBlobStore();
  return { inner, store: new CachedBlobStore(inner, { maxBytes, isCacheable }) };
}

describe('CachedBlobStore', () => {
  it('answers a second read from memory, with the same bytes', async () => {
    const { inner, store } = setup(1_000);
    await store.put('a', bytes(10, 1), 'application/octet-stream');
    expect(await store.get('a')).toEqual(bytes(10, 1));
    expect(await store.get('a')).toEqual(bytes(10, 1));
    expect(inner.gets).toBe(1);
    expect(store.stats).toEqual({ entries: 1, bytes: 10 });
  });

  it('never holds more than maxBytes, evicting the least recently used first', async () => {
    const { inner, store } = setup(250);
    for (const key of ['a', 'b', 'c']) await inner.put(key, bytes(100, key.charCodeAt(0)), 'x');
    await store.get('a');
    await store.get('b');
    await store.get('a'); // a is now the most recently used
    await store.get('c'); // 300 bytes > 250: b goes
    expect(store.stats).toEqual({ entries: 2, bytes: 200 });
    inner.gets = 0;
    await store.get('a');
    await store.get('c');
    expect(inner.gets).toBe(0);
    await store.get('b');
    expect(inner.gets).toBe(1);
    expect(store.stats.bytes).toBeLessThanOrEqual(250);
  });

  it('does not cache a blob larger than the whole cache, nor anything with maxBytes 0', async () => {
    const big = setup(50);
    await big.inner.put('big', bytes(51, 7), 'x');
    expect(await big.store.get('big')).toEqual(bytes(51, 7));
    expect(big.store.stats).toEqual({ entries: 0, bytes: 0 });
    const off = setup(0);
    await off.inner.put('k', bytes(1, 1), 'x');
    await off.store.get('k');
    await off.store.get('k');
    expect(off.inner.gets).toBe(2);
  });

  it('caches only the keys the predicate names (feature keys in the service)', async () => {
    const { inner, store } = setup(10_000, isFeaturesBlobKey);
    const featuresKey = 'tenants/dev/features/item1/abc-def.f32';
    const imageKey = 'tenants/dev/images/item1/abc.png';
    await inner.put(featuresKey, bytes(16, 1), 'x');
    await inner.put(imageKey, bytes(16, 2), 'x');
    for (let i = 0; i < 3; i++) {
      await store.get(featuresKey);
      await store.get(imageKey);
    }
    expect(inner.gets).toBe(4); // features once, the image every time
  });

  it('hands out copies: changing returned bytes does not change the cache', async () => {
    const { store } = setup(1_000);
    await store.put('a', bytes(4, 9), 'x');
    (await store.get('a')).fill(0);
    (await store.get('a')).fill(0);
    expect(await store.get('a')).toEqual(bytes(4, 9));
  });

  it('sees its own overwrites and deletes', async () => {
    const { store } = setup(1_000);
    await store.put('a', bytes(4, 1), 'x');
    await store.get('a');
    await store.put('a', bytes(6, 2), 'x');
    expect(await store.get('a')).toEqual(bytes(6, 2));
    await store.delete('a');
    await expect(store.get('a')).rejects.toBeInstanceOf(NotFoundError);
    expect(store.stats).toEqual({ entries: 0, bytes: 0 });
  });

  it('shares one read among concurrent misses, and does not cache a read that a write overtook', async () => {
    const { inner, store } = setup(1_000);
    await inner.put('a', bytes(4, 1), 'x');
    inner.hold();
    const reads = [store.get('a'), store.get('a'), store.get('a')];
    inner.release();
    expect(await Promise.all(reads)).toEqual([bytes(4, 1), bytes(4, 1), bytes(4, 1)]);
    expect(inner.gets).toBe(1);

    await store.delete('a');
    await inner.put('a', bytes(4, 1), 'x');
    inner.hold();
    const stale = store.get('a');
    await store.put('a', bytes(4, 2), 'x'); // a write while the read is in flight
    inner.release();
    expect(await stale).toEqual(bytes(4, 1)); // it began before the write
    expect(await store.get('a')).toEqual(bytes(4, 2)); // but did not fill the cache
  });

  it('passes NotFoundError through and caches nothing for a missing key', async () => {
    const { inner, store } = setup(1_000);
    await expect(store.get('missing')).rejects.toBeInstanceOf(NotFoundError);
    await expect(store.get('missing')).rejects.toBeInstanceOf(NotFoundError);
    expect(inner.gets).toBe(2);
  });

  it('refuses a negative or non-finite bound', () => {
    expect(() => setup(-1)).toThrow(RangeError);
    expect(() => setup(Number.NaN)).toThrow(RangeError);
  });
});
