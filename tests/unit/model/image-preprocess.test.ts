import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { InvalidImageError } from '../../../src/core/errors.js';
import { preprocessImage } from '../../../src/core/model/index.js';

const image = {
  size: 8,
  mean: [0.5, 0.5, 0.5] as [number, number, number],
  std: [0.5, 0.5, 0.5] as [number, number, number],
};

function solidPng(width: number, height: number, colour: { r: number; g: number; b: number; alpha?: number }) {
  return sharp({ create: { width, height, channels: 4, background: { alpha: 1, ...colour } } })
    .png()
    .toBuffer();
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A 60-byte PNG whose header declares 100000 x 100000 pixels. */
function pngBomb(): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(100_000, 0);
  header.writeUInt32BE(100_000, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([
    signature,
    chunk('IHDR', header),
    chunk('IDAT', Buffer.alloc(0)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** `[3, 8, 8]` value at channel c, row y, column x. */
const at = (chw: Float32Array, c: number, y: number, x: number) => chw[c * 64 + y * 8 + x]!;

describe('image preprocessing', () => {
  it('returns [3, size, size] normalised with the manifest mean and std', async () => {
    const chw = await preprocessImage(await solidPng(8, 8, { r: 255, g: 0, b: 51 }), image);
    expect(chw.length).toBe(3 * 8 * 8);
    expect(at(chw, 0, 3, 3)).toBeCloseTo(1, 6);
    expect(at(chw, 1, 3, 3)).toBeCloseTo(-1, 6);
    expect(at(chw, 2, 3, 3)).toBeCloseTo((51 / 255 - 0.5) / 0.5, 6);
  });

  it('letterboxes a wide image on white', async () => {
    const chw = await preprocessImage(await solidPng(32, 16, { r: 0, g: 0, b: 0 }), image);
    expect(at(chw, 0, 0, 4)).toBeCloseTo(1, 6); // white band above
    expect(at(chw, 0, 4, 4)).toBeCloseTo(-1, 6); // black image in the middle
    expect(at(chw, 0, 7, 4)).toBeCloseTo(1, 6); // white band below
  });

  it('flattens transparency onto white', async () => {
    const chw = await preprocessImage(await solidPng(8, 8, { r: 0, g: 0, b: 0, alpha: 0 }), image);
    expect(Math.min(...chw)).toBeCloseTo(1, 6);
  });

  it('refuses bytes that are not an image', async () => {
    const promise = preprocessImage(new TextEncoder().encode('just some text'), image);
    await expect(promise).rejects.toBeInstanceOf(InvalidImageError);
    await expect(promise).rejects.toThrow(/not an image/);
  });

  it('refuses a PNG declaring too many pixels before decoding it', async () => {
    const promise = preprocessImage(pngBomb(), image);
    await expect(promise).rejects.toBeInstanceOf(InvalidImageError);
    await expect(promise).rejects.toThrow(/decompression bomb/);
  });

  it('refuses an SVG declaring too many pixels', async () => {
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" width="200000" height="200000"><rect width="1" height="1"/></svg>';
    await expect(preprocessImage(new TextEncoder().encode(svg), image)).rejects.toThrow(/decompression bomb/);
  });

  it('honours a lower pixel limit', async () => {
    const png = await solidPng(64, 64, { r: 1, g: 2, b: 3 });
    await expect(preprocessImage(png, image, { maxInputPixels: 1000 })).rejects.toThrow(/more than 1000 pixels/);
  });
});
