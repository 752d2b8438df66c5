/**
 * The `UsageMeter` contract: the SQLite and DynamoDB adapters pass these cases.
 * @module
 */
import { describe, expect, it } from 'vitest';
import type { UsageMeter } from '../../../src/core/ports.js';
import { freshNamespace, usageRecord } from '../port-factories.js';

/** Registers the contract for one adapter. `getMeter` is called inside each test, after the file's `beforeAll`. */
export function describeUsageMeterContract(name: string, getMeter: () => UsageMeter): void {
  describe(`UsageMeter contract: ${name}`, () => {
    it('sums records per UTC day, ordered by day, within the inclusive range', async () => {
      const meter = getMeter();
      const tenant = freshNamespace();
      await meter.record(
        usageRecord({ tenant, modelMs: 10, promptTokens: 30, generatedTokens: 5 }),
        new Date('2026-11-24T08:00:00Z'),
      );
      await meter.record(
        usageRecord({ tenant, modelMs: 2.5, promptTokens: 10, generatedTokens: 1 }),
        new Date('2026-11-24T23:59:59.999Z'),
      );
      await meter.record(
        usageRecord({ tenant, modelMs: 7, promptTokens: 1, generatedTokens: 1 }),
        new Date('2026-11-25T00:00:00Z'),
      );
      await meter.record(usageRecord({ tenant }), new Date('2026-11-27T12:00:00Z'));
      const totals = await meter.totals(tenant, '2026-11-24', '2026-11-25');
      expect(totals).toEqual([
        { tenant, day: '2026-11-24', requests: 2, modelMs: 12.5, promptTokens: 40, generatedTokens: 6 },
        { tenant, day: '2026-11-25', requests: 1, modelMs: 7, promptTokens: 1, generatedTokens: 1 },
      ]);
    });

    it('counts concurrent increments exactly (100 at once)', async () => {
      const meter = getMeter();
      const tenant = freshNamespace();
      const at = new Date('2026-11-26T12:00:00Z');
      await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          meter.record(usageRecord({ tenant, modelMs: 1.5, promptTokens: i, generatedTokens: 2 }), at),
        ),
      );
      expect(await meter.totals(tenant, '2026-11-26', '2026-11-26')).toEqual([
        { tenant, day: '2026-11-26', requests: 100, modelMs: 150, promptTokens: 4950, generatedTokens: 200 },
      ]);
    });

    it('keeps tenants apart, and answers an empty list for a tenant without usage', async () => {
      const meter = getMeter();
      const [a, b] = [freshNamespace('a'), freshNamespace('b')];
      await meter.record(usageRecord({ tenant: a }), new Date('2026-11-26T01:00:00Z'));
      expect(await meter.totals(b, '2026-01-01', '2026-12-31')).toEqual([]);
      expect(await meter.totals(a, '2026-01-01', '2026-12-31')).toHaveLength(1);
    });

    it('rejects malformed days and negative amounts with invalid_input', async () => {
      const meter = getMeter();
      const invalid = { code: 'invalid_input' };
      await expect(meter.totals('t', '2026-11-1', '2026-11-30')).rejects.toMatchObject(invalid);
      await expect(meter.totals('t', '2026-02-30', '2026-03-01')).rejects.toMatchObject(invalid);
      await expect(meter.record(usageRecord({ promptTokens: -1 }), new Date())).rejects.toMatchObject(invalid);
      await expect(meter.record(usageRecord({ modelMs: Number.NaN }), new Date())).rejects.toMatchObject(invalid);
      await expect(meter.record(usageRecord(), new Date('not a date'))).rejects.toMatchObject(invalid);
    });
  });
}
