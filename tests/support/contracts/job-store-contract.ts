/**
 * The `JobStore` contract: the SQLite and DynamoDB adapters pass these cases.
 * @module
 */
import { describe, expect, it } from 'vitest';
import type { JobStore } from '../../../src/core/ports.js';
import { freshNamespace, ingestJob } from '../port-factories.js';

/** Registers the contract for one adapter. `getStore` is called inside each test, after the file's `beforeAll`. */
export function describeJobStoreContract(name: string, getStore: () => JobStore): void {
  describe(`JobStore contract: ${name}`, () => {
    it('returns a queued job as it was put, without absent optional fields', async () => {
      const store = getStore();
      const job = ingestJob({ tenant: freshNamespace() });
      await store.put(job);
      const stored = await store.get(job.tenant, job.id);
      expect(stored).toEqual(job);
      expect(stored).not.toHaveProperty('counts');
      expect(stored).not.toHaveProperty('errors');
    });

    it('replaces a job on put: queued, then done with counts and rejected lines', async () => {
      const store = getStore();
      const queued = ingestJob({ tenant: freshNamespace() });
      await store.put(queued);
      const done = {
        ...queued,
        state: 'done' as const,
        counts: { ingested: 41, skipped: 2, rejected: 1 },
        errors: ['line 7: not JSON'],
        attempts: 1,
        updatedAt: '2026-11-26T10:00:05.000Z',
      };
      await store.put(done);
      expect(await store.get(queued.tenant, queued.id)).toEqual(done);
    });

    it('keeps a failure reason', async () => {
      const store = getStore();
      const failed = ingestJob({ tenant: freshNamespace(), state: 'failed', attempts: 3, errors: ['model timed out'] });
      await store.put(failed);
      expect(await store.get(failed.tenant, failed.id)).toEqual(failed);
    });

    it('answers undefined for a missing job and for another tenant’s job', async () => {
      const store = getStore();
      const job = ingestJob({ tenant: freshNamespace('a') });
      await store.put(job);
      expect(await store.get(job.tenant, 'no-such-job')).toBeUndefined();
      expect(await store.get(freshNamespace('b'), job.id)).toBeUndefined();
    });

    it('rejects a malformed job with invalid_input', async () => {
      const store = getStore();
      await expect(store.put(ingestJob({ tenant: '' }))).rejects.toMatchObject({ code: 'invalid_input' });
      await expect(store.put(ingestJob({ attempts: -1 }))).rejects.toMatchObject({ code: 'invalid_input' });
      await expect(store.put(ingestJob({ updatedAt: 'yesterday' }))).rejects.toMatchObject({ code: 'invalid_input' });
    });
  });
}
