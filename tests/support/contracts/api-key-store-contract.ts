/**
 * The `ApiKeyStore` contract: the SQLite and DynamoDB adapters pass these cases.
 * @module
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ApiKeyStore } from '../../../src/core/ports.js';
import { freshNamespace, keyHashOf } from '../port-factories.js';

/** Registers the contract for one adapter. `getStore` is called inside each test, after the file's `beforeAll`. */
export function describeApiKeyStoreContract(name: string, getStore: () => ApiKeyStore): void {
  describe(`ApiKeyStore contract: ${name}`, () => {
    it('maps a key hash to its tenant, and an unknown hash to undefined', async () => {
      const store = getStore();
      const [hash, tenant] = [keyHashOf(`rk_${randomUUID()}`), freshNamespace()];
      await store.put(hash, tenant);
      expect(await store.tenantOf(hash)).toBe(tenant);
      expect(await store.tenantOf(keyHashOf('never issued'))).toBeUndefined();
    });

    it('accepts the same binding twice, but never rebinds a key to another tenant', async () => {
      const store = getStore();
      const [hash, tenant] = [keyHashOf(`rk_${randomUUID()}`), freshNamespace('owner')];
      await store.put(hash, tenant);
      await store.put(hash, tenant);
      await expect(store.put(hash, freshNamespace('thief'))).rejects.toMatchObject({ code: 'invalid_input' });
      expect(await store.tenantOf(hash)).toBe(tenant);
    });

    it('stores hashes only: a raw key or an upper-case digest is rejected with invalid_input', async () => {
      const store = getStore();
      const invalid = { code: 'invalid_input' };
      await expect(store.put('rk_live_plaintext_key', 'tenant')).rejects.toMatchObject(invalid);
      await expect(store.put(keyHashOf('k').toUpperCase(), 'tenant')).rejects.toMatchObject(invalid);
      await expect(store.put(keyHashOf('k'), '')).rejects.toMatchObject(invalid);
      await expect(store.tenantOf('rk_live_plaintext_key')).rejects.toMatchObject(invalid);
    });
  });
}
