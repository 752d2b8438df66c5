/**
 * Visual keys as near-duplicate fingerprints: a re-encoded or rescaled copy of a picture keeps its key above the
 * default link threshold, a look-alike of another layout or palette falls below it.
 */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { computeVisualKeys, visualKeyGrid, visualKeyOfPixels } from '../../../src/core/model/visual-keys.js';
import { DEFAULT_VISUAL_LINK_THRESHOLD } from '../../../src/core/pipeline/index.js';
import { InvalidImageError } from '../../../src/core/errors.js';

const DIMENSION = 256;

function flagSvg(stripes: readonly string[], vertical = true): Buffer {
  const n = stripes.length;
  const rects = stripes.map((fill, i) =>
    vertical
      ? `<rect x="${(i * 300) / n}" y="0" width="${300 / n}" height="200" fill="${fill}"/>`
      : `<rect x="0" y="${(i * 200) / n}" width="300" height="${200 / n}" fill="${fill}"/>`,
  );
  return Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="300" height="200">${rects.join('')}</svg>`);
}

const png = (svg: Buffer, width: number) => sharp(svg).resize(width).png().toBuffer();
const jpeg = (svg: Buffer, width: number, quality: number) => sharp(svg).resize(width).jpeg({ quality }).toBuffer();
const dot = (a: Float32Array, b: Float32Array) => a.reduce((sum, v, i) => sum + v * b[i]!, 0);

describe('visual keys', () => {
  it('uses the finest grid up to 8 × 8 whose cells and mean colour fit the index', () => {
    expect(visualKeyGrid(256)).toBe(8);
    expect(visualKeyGrid(195)).toBe(8);
    expect(visualKeyGrid(194)).toBe(7);
    expect(visualKeyGrid(64)).toBe(4);
    expect(() => visualKeyGrid(5)).toThrow(/dimension 5/);
  });

  it('keeps a copy re-encoded as JPEG or rescaled above the threshold, and other flags below it', async () => {
    const italy = flagSvg(['#009246', '#ffffff', '#ce2b37']);
    const [stored, reencoded, upscaled, ireland, hungary, france] = await computeVisualKeys(
      await Promise.all([
        png(italy, 64),
        jpeg(italy, 192, 85),
        png(italy, 600),
        png(flagSvg(['#169b62', '#ffffff', '#ff883e']), 64),
        png(flagSvg(['#ce2939', '#ffffff', '#477050'], false), 64),
        png(flagSvg(['#0055a4', '#ffffff', '#ef4135']), 64),
      ]),
      DIMENSION,
    );
    expect(dot(stored!, stored!)).toBeCloseTo(1, 5);
    expect(dot(stored!, reencoded!)).toBeGreaterThanOrEqual(DEFAULT_VISUAL_LINK_THRESHOLD);
    expect(dot(stored!, upscaled!)).toBeGreaterThanOrEqual(DEFAULT_VISUAL_LINK_THRESHOLD);
    for (const other of [ireland, hungary, france])
      expect(dot(stored!, other!)).toBeLessThan(DEFAULT_VISUAL_LINK_THRESHOLD);
  });

  it('gives a flat grey picture its colour as key, so it links only to another flat grey', () => {
    const flat = (level: number) => new Float32Array(3 * 8 * 8).fill(level);
    const white = visualKeyOfPixels(flat(1), 8, DIMENSION);
    const grey = visualKeyOfPixels(flat(0.5), 8, DIMENSION);
    expect(white.every(Number.isFinite)).toBe(true);
    expect(dot(white, white)).toBeCloseTo(1, 5);
    expect(dot(white, grey)).toBeCloseTo(1, 2); // both achromatic: the same direction
    const red = new Float32Array(3 * 64);
    red.fill(1, 0, 64);
    expect(dot(white, visualKeyOfPixels(red, 8, DIMENSION))).toBeLessThan(0.5);
  });

  it('refuses bytes that are no image', async () => {
    await expect(computeVisualKeys([new Uint8Array([1, 2, 3])], DIMENSION)).rejects.toThrow(InvalidImageError);
  });
});
