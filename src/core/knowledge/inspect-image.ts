/**
 * The one gate every image passes before it is stored or handed to the model: format, byte size and pixel count.
 * @module
 */
import { AppError, InvalidImageError } from '../errors.js';
import { readImageHeader, type ImageHeader } from './image-header.js';
import type { ImageFormat } from './knowledge-item.js';

/** Limits on one image. */
export interface ImageLimits {
  /** Encoded size. */
  readonly maxBytes: number;
  /** Declared width × height; a small file that declares more is a decompression bomb. */
  readonly maxPixels: number;
}

const CONTENT_TYPES: Record<ImageFormat, string> = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' };

/** The MIME type of an image format. */
export function imageContentType(format: ImageFormat): string {
  return CONTENT_TYPES[format];
}

/**
 * Checks an image against the limits without decoding it.
 * @throws AppError `payload_too_large` over `maxBytes`; InvalidImageError when it is not a PNG, JPEG or WebP, or
 *   declares more than `maxPixels` pixels.
 */
export function inspectImage(bytes: Uint8Array, limits: ImageLimits): ImageHeader {
  if (bytes.length > limits.maxBytes) {
    throw new AppError('payload_too_large', `image is ${bytes.length} bytes, over the limit of ${limits.maxBytes}`);
  }
  const header = readImageHeader(bytes);
  if (header === undefined) throw new InvalidImageError('not a PNG, JPEG or WebP image');
  const pixels = header.width * header.height;
  if (pixels > limits.maxPixels) {
    throw new InvalidImageError(
      `image declares ${header.width}x${header.height} = ${pixels} pixels, over the limit of ${limits.maxPixels}`,
    );
  }
  return header;
}
