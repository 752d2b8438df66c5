/**
 * Image bytes to normalised pixels, exactly as docs/bundle-format.md "Image preprocessing" describes, so that the
 * Python side (which renders PNGs at `size`) and serving see the same numbers.
 * @module
 */
import sharp from 'sharp';
import { InvalidImageError } from '../errors.js';
import type { BundleManifest } from './manifest.js';

/** Options of `preprocessImage`. */
export interface ImagePreprocessOptions {
  /**
   * Largest accepted `width * height` of the encoded image, checked from the header before decoding, so that a
   * decompression bomb (a small file declaring huge dimensions) is refused without allocating its pixels.
   * @default 40_000_000
   */
  readonly maxInputPixels?: number;
}

const WHITE = { r: 255, g: 255, b: 255 };

/** An image decoded, flattened onto white and letterboxed: `size * size * 3` sRGB bytes, row-major (HWC). */
export interface DecodedImage {
  readonly size: number;
  readonly rgb: Uint8Array;
}

/**
 * Decodes, flattens alpha onto white and letterboxes to `size x size` (lanczos3, white border). Throws
 * `InvalidImageError` for anything that is not a decodable image within the pixel limit.
 */
export async function decodeImage(
  bytes: Uint8Array,
  size: number,
  options: ImagePreprocessOptions = {},
): Promise<DecodedImage> {
  const maxInputPixels = options.maxInputPixels ?? 40_000_000;
  const { data, info } = await sharp(bytes, { limitInputPixels: maxInputPixels })
    .flatten({ background: WHITE })
    .resize(size, size, { fit: 'contain', background: WHITE, kernel: 'lanczos3' })
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true })
    .catch((err: unknown) => {
      throw new InvalidImageError(describeDecodeFailure(err, maxInputPixels), { cause: err });
    });
  if (info.channels !== 3 || info.width !== size || info.height !== size) {
    throw new InvalidImageError(`image decoded to ${info.width}x${info.height}x${info.channels}, expected RGB`);
  }
  return { size, rgb: data };
}

/** `[3, size, size]` float32, channel-major: each byte `/ 255`, then `(x - mean) / std` per channel. */
export function normalisePixels(
  decoded: DecodedImage,
  normalisation: { readonly mean: readonly number[]; readonly std: readonly number[] },
): Float32Array {
  const { size, rgb } = decoded;
  const { mean, std } = normalisation;
  const plane = size * size;
  const chw = new Float32Array(3 * plane);
  for (let c = 0; c < 3; c++) {
    const m = mean[c]!;
    const s = std[c]!;
    const base = c * plane;
    // HWC bytes -> CHW floats.
    for (let p = 0; p < plane; p++) chw[base + p] = (rgb[p * 3 + c]! / 255 - m) / s;
  }
  return chw;
}

/**
 * The model input of image bytes: `decodeImage` at the bundle's size, then `normalisePixels`. Returns
 * `[3, size, size]` float32, channel-major.
 */
export async function preprocessImage(
  bytes: Uint8Array,
  image: BundleManifest['image'],
  options: ImagePreprocessOptions = {},
): Promise<Float32Array> {
  return normalisePixels(await decodeImage(bytes, image.size, options), image);
}

function describeDecodeFailure(err: unknown, maxInputPixels: number): string {
  const message = err instanceof Error ? err.message : String(err);
  if (/pixel limit/i.test(message)) {
    return `image declares more than ${maxInputPixels} pixels (a decompression bomb?): refused before decoding`;
  }
  if (/unsupported image format|corrupt header|bad seek|input buffer is empty/i.test(message)) {
    return 'not an image, or an unsupported image format (PNG, JPEG, WebP, GIF, TIFF, AVIF and SVG are read)';
  }
  return `cannot decode image: ${message}`;
}
