import { describe, expect, it } from 'vitest';
import { MicroBatcher } from '../../../src/core/model/index.js';

/** A batch runner that records the batches it was given and doubles each number. */
function recordingRunner(options: { delayMs?: number; failOn?: number } = {}) {
  const batches: number[][] = [];
  const run = async (requests: number[]): Promise<number[]> => {
    batches.push(requests);
    await new Promise((r) => setTimeout(r, options.delayMs ?? 0));
    if (options.failOn !== undefined && requests.includes(options.failOn)) throw new Error(`bad ${options.failOn}`);
    return requests.map((n) => n * 2);
  };
  return { batches, run };
}

describe('micro-batching', () => {
  it('runs calls that arrive within the window as one batch', async () => {
    const { batches, run } = recordingRunner();
    const batcher = new MicroBatcher(run, { maxBatch: 8, windowMs: 20 });
    const results = await Promise.all([1, 2, 3].map((n) => batcher.submit(n)));
    expect(results).toEqual([2, 4, 6]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('starts a batch as soon as maxBatch calls wait', async () => {
    const { batches, run } = recordingRunner({ delayMs: 5 });
    const batcher = new MicroBatcher(run, { maxBatch: 2, windowMs: 10_000 });
    const results = await Promise.all([1, 2, 3, 4].map((n) => batcher.submit(n)));
    expect(results).toEqual([2, 4, 6, 8]);
    expect(batches).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it('runs one batch at a time and gathers the calls that arrive meanwhile', async () => {
    const { batches, run } = recordingRunner({ delayMs: 30 });
    const batcher = new MicroBatcher(run, { maxBatch: 8, windowMs: 0 });
    const first = batcher.submit(1);
    await new Promise((r) => setTimeout(r, 5));
    const later = [2, 3, 4].map((n) => batcher.submit(n));
    await Promise.all([first, ...later]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('fails only the bad request of a failing batch', async () => {
    const { run } = recordingRunner({ failOn: 3 });
    const batcher = new MicroBatcher(run, { maxBatch: 8, windowMs: 10 });
    const settled = await Promise.allSettled([1, 3, 5].map((n) => batcher.submit(n)));
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(settled[0]).toMatchObject({ value: 2 });
    expect(settled[1]).toMatchObject({ reason: new Error('bad 3') });
  });

  it('refuses a batch size below one', () => {
    expect(() => new MicroBatcher(async (r: number[]) => r, { maxBatch: 0 })).toThrow(/maxBatch/);
  });
});
