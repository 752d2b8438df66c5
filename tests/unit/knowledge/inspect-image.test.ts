import { describe, expect, it } from 'vitest';
import { AppError, InvalidImageError } from '../../../src/core/errors.js';
import { inspectImage, readImageHeader } from '../../../src/core/knowledge/index.js';
import { bombPngHeader, solidJpeg, solidPng, solidWebp } from '../../support/fakes/image-fixtures.js';

const limits = { maxBytes: 1_000_000, maxPixels: 1_000_000 };

describe('reading image headers without decoding', () => {
  it('reads format and size of PNG, JPEG, lossy and lossless WebP', async () => {
    expect(readImageHeader(await solidPng(31, 17))).toEqual({ format: 'png', width: 31, height: 17 });
    expect(readImageHeader(await solidJpeg(40, 9))).toEqual({ format: 'jpeg', width: 40, height: 9 });
    expect(readImageHeader(await solidWebp(23, 11))).toEqual({ format: 'webp', width: 23, height: 11 });
    expect(readImageHeader(await solidWebp(5, 300, true))).toEqual({ format: 'webp', width: 5, height: 300 });
  });

  it('returns undefined for text, truncated images and unsupported formats', async () => {
    expect(readImageHeader(new TextEncoder().encode('hello, not an image'))).toBeUndefined();
    expect(readImageHeader((await solidPng()).subarray(0, 12))).toBeUndefined();
    expect(readImageHeader(new TextEncoder().encode('GIF89a\x01\x00\x01\x00'))).toBeUndefined();
  });
});

describe('checking an image against the limits', () => {
  it('accepts an image within the limits', async () => {
    expect(inspectImage(await solidPng(10, 10), limits).format).toBe('png');
  });

  it('refuses bytes that are not an image as invalid_image', () => {
    expect(() => inspectImage(new TextEncoder().encode('{"not":"an image"}'), limits)).toThrow(InvalidImageError);
  });

  it('refuses a decompression bomb from its header, before any decoding', () => {
    const bomb = bombPngHeader(100_000, 100_000);
    expect(bomb.length).toBeLessThan(64);
    expect(() => inspectImage(bomb, limits)).toThrow(/10000000000 pixels, over the limit/);
  });

  it('refuses an over-size image as payload_too_large', async () => {
    const image = await solidPng(10, 10);
    const attempt = () => inspectImage(image, { ...limits, maxBytes: image.length - 1 });
    expect(attempt).toThrow(AppError);
    expect(attempt).toThrow(expect.objectContaining({ code: 'payload_too_large' }));
  });
});
