/**
 * The `BlobStore` contract: the filesystem and S3 adapters pass these cases.
 * @module
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../../src/core/errors.js';
import type { BlobStore } from '../../../src/core/ports.js';

/** Registers the contract for one adapter. `getStore` is called inside each test, after the file's `beforeAll`. */
export function describeBlobStoreContract(name: string, getStore: () => BlobStore): void {
  describe(`BlobStore contract: ${name}`, () => {
    const fresh = (suffix: string): string => `tenant-${randomUUID().slice(0, 8)}/${suffix}`;

    it('returns exactly the bytes put, for binary and large blobs', async () => {
      const store = getStore();
      const small = Uint8Array.from([0, 255, 10, 13, 0, 128]);
      const large = new Uint8Array(randomBytes(1_500_000));
      await store.put(fresh('a.bin'), small, 'application/octet-stream');
      const [smallKey, largeKey] = [fresh('images/small.png'), fresh('features/large.f32')];
      await store.put(smallKey, small, 'image/png');
      await store.put(largeKey, large, 'application/octet-stream');
      expect(await store.get(smallKey)).toEqual(small);
      expect(Buffer.from(await store.get(largeKey)).equals(Buffer.from(large))).toBe(true);
    });

    it('overwrites a key on a second put', async () => {
      const store = getStore();
      const key = fresh('doc.txt');
      await store.put(key, new TextEncoder().encode('first version, longer'), 'text/plain');
      await store.put(key, new TextEncoder().encode('second'), 'text/plain');
      expect(new TextDecoder().decode(await store.get(key))).toBe('second');
    });

    it('throws NotFoundError for a missing key, also after delete', async () => {
      const store = getStore();
      const key = fresh('gone.bin');
      await expect(store.get(key)).rejects.toBeInstanceOf(NotFoundError);
      await store.put(key, Uint8Array.from([1]), 'application/octet-stream');
      await store.delete(key);
      await expect(store.get(key)).rejects.toMatchObject({ code: 'not_found' });
    });

    it('deletes idempotently: a missing key is not an error', async () => {
      const store = getStore();
      await expect(store.delete(fresh('never-written.bin'))).resolves.toBeUndefined();
    });

    it('keeps keys that share a prefix apart, and treats a prefix alone as missing', async () => {
      const store = getStore();
      const prefix = fresh('docs');
      await store.put(`${prefix}/one.txt`, Uint8Array.from([1]), 'text/plain');
      await store.put(`${prefix}/two.txt`, Uint8Array.from([2]), 'text/plain');
      expect(await store.get(`${prefix}/two.txt`)).toEqual(Uint8Array.from([2]));
      await expect(store.get(prefix)).rejects.toBeInstanceOf(NotFoundError);
      await store.delete(prefix);
      expect(await store.get(`${prefix}/one.txt`)).toEqual(Uint8Array.from([1]));
    });

    it('accepts keys with spaces, unicode and punctuation', async () => {
      const store = getStore();
      const key = fresh('uploads/red flower (1) – café+100%.jpg');
      await store.put(key, Uint8Array.from([7, 7]), 'image/jpeg');
      expect(await store.get(key)).toEqual(Uint8Array.from([7, 7]));
    });

    it('rejects keys that could escape a directory or are malformed, with invalid_input', async () => {
      const store = getStore();
      const bytes = Uint8Array.from([1]);
      for (const key of [
        '',
        '../outside.bin',
        'a/../../outside.bin',
        '/absolute.bin',
        'a//b.bin',
        'a/./b',
        'a\\b',
        'nul\u0000.bin',
        'x'.repeat(1025),
      ]) {
        await expect(store.put(key, bytes, 'application/octet-stream'), JSON.stringify(key)).rejects.toMatchObject({
          code: 'invalid_input',
        });
        await expect(store.get(key)).rejects.toMatchObject({ code: 'invalid_input' });
      }
    });
  });
}
