/**
 * Real encoded images for tests, made with sharp, plus hand-made headers for decompression bombs.
 * @module
 */
import sharp from 'sharp';

/** A solid-colour PNG of the given size. */
export async function solidPng(width = 8, height = 8, colour = { r: 200, g: 30, b: 30 }): Promise<Uint8Array> {
  const buffer = await sharp({ create: { width, height, channels: 3, background: colour } })
    .png()
    .toBuffer();
  return new Uint8Array(buffer);
}

export async function solidJpeg(width = 8, height = 8): Promise<Uint8Array> {
  const buffer = await sharp({ create: { width, height, channels: 3, background: { r: 0, g: 90, b: 200 } } })
    .jpeg()
    .toBuffer();
  return new Uint8Array(buffer);
}

export async function solidWebp(width = 8, height = 8, lossless = false): Promise<Uint8Array> {
  const buffer = await sharp({ create: { width, height, channels: 3, background: { r: 10, g: 200, b: 10 } } })
    .webp({ lossless })
    .toBuffer();
  return new Uint8Array(buffer);
}

/** A PNG header that declares `width` x `height` pixels: a few dozen bytes claiming gigapixels. */
export function bombPngHeader(width = 100_000, height = 100_000): Uint8Array {
  const bytes = new Uint8Array(33);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 0);
  const view = new DataView(bytes.buffer);
  view.setUint32(8, 13);
  bytes.set([0x49, 0x48, 0x44, 0x52], 12); // IHDR
  view.setUint32(16, width);
  view.setUint32(20, height);
  bytes.set([8, 2, 0, 0, 0], 24); // bit depth 8, RGB
  return bytes;
}

/** A PNG of random pixels: incompressible, so its byte size grows with its area (about 3 bytes per pixel). */
export async function noisyPng(width: number, height: number): Promise<Uint8Array> {
  const pixels = Buffer.alloc(width * height * 3);
  let state = 12345;
  for (let i = 0; i < pixels.length; i += 1) {
    state = (state * 1103515245 + 12345) >>> 0;
    pixels[i] = state >>> 24;
  }
  const buffer = await sharp(pixels, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
  return new Uint8Array(buffer);
}
