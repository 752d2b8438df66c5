/**
 * The load-time check of "rows must not depend on their batch", against two fake vision graphs: one per row, and one
 * that scales its whole batch by one number, as ORT's dynamic int8 quantizes activations.
 */
import { describe, expect, it } from 'vitest';
import { BundleMismatchError } from '../../../src/core/errors.js';
import { checkRowsIndependentOfBatch } from '../../../src/core/model/index.js';
import type { RunVision } from '../../../src/core/model/index.js';

const SIZE = 4;

/** Per row: each output depends on its own pixels only. */
const perRow: RunVision = async (pixels) => pixels.map((v) => Math.tanh(2 * v));

/** Per batch: one scale for the whole tensor, like a dynamic activation scale, so a row moves with its neighbours. */
const perBatch: RunVision = async (pixels) => {
  const scale = Math.max(...pixels.map(Math.abs)) / 127;
  return pixels.map((v) => Math.round(v / scale) * scale);
};

describe('checkRowsIndependentOfBatch', () => {
  it('passes a graph whose rows keep to themselves', async () => {
    await expect(checkRowsIndependentOfBatch('b', SIZE, perRow)).resolves.toBe(0);
  });

  it('refuses a graph that scales rows by their batch, naming the graph and the fix', async () => {
    const error: unknown = await checkRowsIndependentOfBatch('models/old', SIZE, perBatch).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BundleMismatchError);
    expect((error as BundleMismatchError).graph).toBe('vision');
    expect((error as Error).message).toMatch(/models\/old: an image's vision output moves by .* training\/export\.py/);
  });

  it('feeds one image alone and then beside another, as [batch, 3, size, size]', async () => {
    const calls: number[][] = [];
    await checkRowsIndependentOfBatch('b', SIZE, async (pixels, batch) => {
      calls.push([pixels.length, batch]);
      return pixels.slice();
    });
    expect(calls).toEqual([
      [3 * SIZE * SIZE, 1],
      [2 * 3 * SIZE * SIZE, 2],
    ]);
  });
});
