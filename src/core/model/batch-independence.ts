/**
 * The bundle contract's "rows must not depend on their batch" (docs/bundle-format.md), checked when a bundle loads.
 * Ingest embeds many images to a call, and concurrent answers share one `generate`, so a bundle that breaks it fails
 * silently: an item's vector and features, and an answer, change with whatever shared its batch.
 * @module
 */
import { BundleMismatchError } from '../errors.js';

/**
 * Most a row may move between its own call and a batch. On the CPU, fp32 and int8-in-blocks graphs give the same
 * bits (a difference of 0); ORT's dynamic int8 (one activation scale per batch tensor) moves this check's ViT
 * outputs by ~8e-3.
 */
export const BATCH_DEPENDENCE_TOLERANCE = 1e-3;

/** Runs the vision graph on `batch` images of preprocessed pixels (`[batch, 3, size, size]`, flat). */
export type RunVision = (pixels: Float32Array, batch: number) => Promise<Float32Array>;

/** A fixed, normalised-range test pattern; `seed` varies it, `gain` its contrast. */
function testPattern(size: number, seed: number, gain: number): Float32Array {
  const pixels = new Float32Array(3 * size * size);
  for (let i = 0; i < pixels.length; i++) pixels[i] = gain * Math.sin(0.37 * i + seed);
  return pixels;
}

/**
 * Runs one test image alone and then beside a higher-contrast one, and throws `BundleMismatchError` when its output
 * moved by more than `BATCH_DEPENDENCE_TOLERANCE`. Returns the largest difference seen.
 */
export async function checkRowsIndependentOfBatch(
  dir: string,
  imageSize: number,
  runVision: RunVision,
): Promise<number> {
  const first = testPattern(imageSize, 0, 0.5);
  const second = testPattern(imageSize, 1, 4);
  const alone = await runVision(first, 1);
  const pair = new Float32Array(first.length * 2);
  pair.set(first);
  pair.set(second, first.length);
  const batched = await runVision(pair, 2);
  let diff = 0;
  for (let i = 0; i < alone.length; i++) diff = Math.max(diff, Math.abs(alone[i]! - batched[i]!));
  if (!(diff <= BATCH_DEPENDENCE_TOLERANCE)) {
    throw new BundleMismatchError(
      `bundle ${dir}: an image's vision output moves by ${diff.toPrecision(3)} with the other images of its batch ` +
        `(at most ${BATCH_DEPENDENCE_TOLERANCE} allowed), so visual keys and batched answers would change with load. ` +
        'Dynamically quantized int8 does this: export the bundle again with training/export.py ' +
        '(`--quantize int8` writes int8 in blocks, docs/bundle-format.md)',
      { graph: 'vision' },
    );
  }
  return diff;
}
