import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WriteBehindUsageMeter } from '../../../src/adapters/write-behind-usage-meter.js';
import { AppError } from '../../../src/core/errors.js';
import type { UsageRecord } from '../../../src/core/ports.js';
import { MemoryUsageMeter } from '../../support/fakes/memory-usage-meter.js';
import { usageRecord } from '../../support/port-factories.js';

/** A MemoryUsageMeter whose `record` can be made to fail. */
class FlakyUsageMeter extends MemoryUsageMeter {
  isFailing = false;

  override async record(usage: UsageRecord, at: Date): Promise<void> {
    if (this.isFailing) throw new AppError('backend_unavailable', 'usage table is busy');
    return super.record(usage, at);
  }
}

const DAY_1 = new Date('2026-11-26T08:00:00Z');
const DAY_1_LATER = new Date('2026-11-26T23:00:00Z');
const DAY_2 = new Date('2026-11-27T00:30:00Z');

function setup(flushAfterMs = 1_000) {
  const inner = new FlakyUsageMeter();
  const errors: unknown[] = [];
  const meter = new WriteBehindUsageMeter(inner, { flushAfterMs, onFlushError: (error) => errors.push(error) });
  return { inner, meter, errors };
}

describe('WriteBehindUsageMeter', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('writes nothing on the request path, then one summed increment per tenant and day within the bound', async () => {
    const { inner, meter } = setup(1_000);
    await meter.record(usageRecord({ tenant: 'a', modelMs: 10, promptTokens: 30, generatedTokens: 5 }), DAY_1);
    await meter.record(usageRecord({ tenant: 'a', modelMs: 2.5, promptTokens: 10, generatedTokens: 1 }), DAY_1_LATER);
    await meter.record(usageRecord({ tenant: 'a', modelMs: 7, promptTokens: 0, generatedTokens: 0 }), DAY_2);
    await meter.record(usageRecord({ tenant: 'b' }), DAY_1);
    expect(inner.records).toHaveLength(0);
    expect(meter.pendingSums).toBe(3);

    await vi.advanceTimersByTimeAsync(999);
    expect(inner.records).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(inner.records).toHaveLength(3);
    expect(meter.pendingSums).toBe(0);
    expect(await inner.totals('a', '2026-11-26', '2026-11-27')).toEqual([
      { tenant: 'a', day: '2026-11-26', requests: 2, modelMs: 12.5, promptTokens: 40, generatedTokens: 6 },
      { tenant: 'a', day: '2026-11-27', requests: 1, modelMs: 7, promptTokens: 0, generatedTokens: 0 },
    ]);
  });

  it('reads its own records: totals writes what is pending first', async () => {
    const { meter } = setup(60_000);
    for (let i = 0; i < 100; i++) {
      await meter.record(usageRecord({ tenant: 'a', modelMs: 1.5, promptTokens: i, generatedTokens: 2 }), DAY_1);
    }
    expect(await meter.totals('a', '2026-11-26', '2026-11-26')).toEqual([
      { tenant: 'a', day: '2026-11-26', requests: 100, modelMs: 150, promptTokens: 4950, generatedTokens: 200 },
    ]);
  });

  it('loses nothing on close, and sends later records straight through', async () => {
    const { inner, meter } = setup(60_000);
    await meter.record(usageRecord({ tenant: 'a' }), DAY_1);
    await meter.record(usageRecord({ tenant: 'a' }), DAY_1);
    await meter.close();
    expect(await inner.totals('a', '2026-11-26', '2026-11-26')).toMatchObject([{ requests: 2 }]);
    await meter.record(usageRecord({ tenant: 'a' }), DAY_1);
    expect(inner.records).toHaveLength(2);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('keeps the sums of a failed flush, reports the error, and writes them on the retry', async () => {
    const { inner, meter, errors } = setup(1_000);
    inner.isFailing = true;
    await meter.record(usageRecord({ tenant: 'a', promptTokens: 3 }), DAY_1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(errors).toHaveLength(1);
    expect(meter.pendingSums).toBe(1);
    await meter.record(usageRecord({ tenant: 'a', promptTokens: 4 }), DAY_1);
    inner.isFailing = false;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await inner.totals('a', '2026-11-26', '2026-11-26')).toMatchObject([{ requests: 2, promptTokens: 7 }]);
  });

  it('fails a bad record at once, as the wrapped meters do', async () => {
    const { meter } = setup();
    await expect(meter.record(usageRecord({ promptTokens: -1 }), DAY_1)).rejects.toMatchObject({
      code: 'invalid_input',
    });
    await expect(meter.record(usageRecord(), new Date('not a date'))).rejects.toMatchObject({ code: 'invalid_input' });
    expect(meter.pendingSums).toBe(0);
  });

  it('rethrows a failed close, keeping the sums for another try', async () => {
    const { inner, meter } = setup();
    await meter.record(usageRecord({ tenant: 'a' }), DAY_1);
    inner.isFailing = true;
    await expect(meter.close()).rejects.toMatchObject({ code: 'backend_unavailable' });
    inner.isFailing = false;
    await meter.flush();
    expect(inner.records).toHaveLength(1);
  });
});
