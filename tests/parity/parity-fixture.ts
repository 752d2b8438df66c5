/**
 * Reading the fixtures that pytest writes under build/parity/ (training/tests/test_export_parity.py for ra-blip,
 * training/tests/test_export_hf.py for instructblip) and comparing tensors with them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TokenBatch } from '../../src/core/model/index.js';

/** A `{shape, data}` tensor of a fixture, row-major. */
export interface FixtureTensor {
  readonly shape: number[];
  readonly data: number[];
}

/** Largest accepted difference between PyTorch and the TypeScript runtime. */
export const TOLERANCE = 1e-4;

/** The bundle directory of a parity fixture, e.g. `ra-blip-tiny`. */
export function parityBundleDir(name: string): string {
  return resolve(import.meta.dirname, '../../build/parity', name);
}

/** The parsed `fixture.json` of a parity bundle; a clear failure when pytest has not written it. */
export function readFixture<T>(name: string): T {
  const path = join(parityBundleDir(name), 'fixture.json');
  if (!existsSync(path)) throw new Error(`${path} is missing: run pytest first (npm test does)`);
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** Max abs difference of `actual` against a fixture tensor; -1 when the sizes differ. */
export function maxAbsDiff(actual: Float32Array, expected: FixtureTensor): number {
  if (actual.length !== expected.data.length) return -1;
  let max = 0;
  expected.data.forEach((v, i) => (max = Math.max(max, Math.abs(v - actual[i]!))));
  return max;
}

/** A token batch exactly as the fixture padded it. */
export function fixtureBatch(ids: number[][], mask: number[][]): TokenBatch {
  return {
    ids: BigInt64Array.from(ids.flat(), (x) => BigInt(x)),
    mask: BigInt64Array.from(mask.flat(), (x) => BigInt(x)),
    batch: ids.length,
    seq: ids[0]!.length,
  };
}

/** The unpadded rows of a padded id matrix. */
export function unpad(ids: number[][], mask: number[][]): number[][] {
  return ids.map((row, r) => row.filter((_, t) => mask[r]![t] === 1));
}
