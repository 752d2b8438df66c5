/**
 * Visual keys: a near-duplicate fingerprint of an image's pixels, computed by the model beside each image's embedding
 * (`ModelRuntime.embedKnowledge`), so the service's light functions never decode an image. Ingest stores one per image
 * item in the tenant's visual namespace; at answer time the question image's key finds the stored image it shows
 * (visual entity linking, `src/core/pipeline/link-question-images.ts`).
 *
 * A key is the picture decoded, flattened onto white and letterboxed to 64 px (`decodeImage`, whatever the bundle's
 * own image size, so one threshold serves every bundle), averaged down to a grid of cells, mean-centred and
 * L2-normalised, zero-padded to the index dimension. It tells a re-encoded or rescaled copy of a stored image from a
 * look-alike or an unknown image, which the model's own embedding of an image did not (`docs/adapters.md`, "Visual
 * entity linking").
 * @module
 */
import { decodeImage, normalisePixels, type DecodedImage, type ImagePreprocessOptions } from './image-preprocess.js';

/** Side of the raster the cells average: the demo bundle's image size, whatever the bundle's own. */
export const VISUAL_KEY_RASTER_SIZE = 64;
/** Keys average the decoded bytes scaled to 0–1, whatever the bundle's normalisation. */
const UNNORMALISED = { mean: [0, 0, 0], std: [1, 1, 1] } as const;
/** Most cells per side: 8 × 8 cells × RGB = 192 values. Finer grids let JPEG noise in (measured, see docs). */
const MAX_KEY_GRID = 8;

/** Cells per side of the keys of an index of `dimension`: the finest grid whose cells and mean colour fit. */
export function visualKeyGrid(dimension: number): number {
  let grid = MAX_KEY_GRID;
  while (grid > 1 && 3 * grid * grid + 3 > dimension) grid -= 1;
  if (3 * grid * grid + 3 > dimension) throw new Error(`an index of dimension ${dimension} cannot hold visual keys`);
  return grid;
}

/**
 * The visual key of decoded pixels (`[3, size, size]`, channel-major, 0–1) for an index of `dimension`. An image whose
 * cells are all one grey (blank, or a flat grey) has nothing to centre, so its key is its mean colour in the three
 * slots after the cells instead: it links only to another flat grey picture (of any shade).
 */
export function visualKeyOfPixels(pixels: Float32Array, size: number, dimension: number): Float32Array {
  const grid = visualKeyGrid(dimension);
  if (size < grid) throw new Error(`a ${size}-px raster cannot fill a ${grid} × ${grid} key`);
  const plane = size * size;
  const perChannel = grid * grid;
  const cells = 3 * perChannel;
  const key = new Float32Array(dimension);
  const counts = new Float32Array(perChannel);
  for (let p = 0; p < plane; p++) {
    const at = Math.floor((Math.floor(p / size) * grid) / size) * grid + Math.floor(((p % size) * grid) / size);
    counts[at]! += 1;
    for (let c = 0; c < 3; c++) key[c * perChannel + at]! += pixels[c * plane + p]!;
  }
  for (let i = 0; i < cells; i++) key[i]! /= counts[i % perChannel]!;
  const mean = key.subarray(0, cells).reduce((sum, v) => sum + v, 0) / cells;
  let norm = 0;
  for (let i = 0; i < cells; i++) {
    key[i]! -= mean;
    norm += key[i]! ** 2;
  }
  if (norm < 1e-10) {
    key.fill(0, 0, cells);
    for (let c = 0; c < 3; c++) key[cells + c] = meanOf(pixels.subarray(c * plane, (c + 1) * plane)) + 1e-3;
    norm = key.reduce((sum, v) => sum + v * v, 0);
  }
  const scale = 1 / Math.sqrt(norm);
  for (let i = 0; i < dimension; i++) key[i]! *= scale;
  return key;
}

function meanOf(values: Float32Array): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

/** The visual key of an image decoded at {@link VISUAL_KEY_RASTER_SIZE} for an index of `dimension`. */
export function visualKeyOfDecoded(decoded: DecodedImage, dimension: number): Float32Array {
  if (decoded.size !== VISUAL_KEY_RASTER_SIZE)
    throw new Error(`a visual key reads a ${VISUAL_KEY_RASTER_SIZE}-px raster, got ${decoded.size} px`);
  return visualKeyOfPixels(normalisePixels(decoded, UNNORMALISED), decoded.size, dimension);
}

/**
 * The visual keys of `images` for an index of `dimension`, in order.
 * @throws InvalidImageError for bytes that are not a decodable image within the pixel limit.
 */
export async function computeVisualKeys(
  images: readonly Uint8Array[],
  dimension: number,
  options: ImagePreprocessOptions = {},
): Promise<Float32Array[]> {
  return Promise.all(
    images.map(async (image) =>
      visualKeyOfDecoded(await decodeImage(image, VISUAL_KEY_RASTER_SIZE, options), dimension),
    ),
  );
}
