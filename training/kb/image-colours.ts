/**
 * Colour attributes measured from the rendered image: each opaque pixel is assigned to the nearest colour of the
 * SVG's own palette, palette colours are named ({@link nameColour}), and each name's share of the image area decides
 * whether it counts. Pixels far from every palette colour (anti-aliased edges, gradients) count toward the area but
 * toward no colour, so blends of red and white never become "pink".
 * @module
 */
import { colourNames, nameColour, type ColourName } from './colour-names.js';
import { measureOkLabDistance, toOkLab, type Rgb } from './colour-space.js';

/** One named colour and the fraction (0–1) of the image's opaque area painted in it. */
export interface ColourShare {
  readonly name: ColourName;
  readonly share: number;
}

/** Raw RGBA pixels of a render: `[height, width, 4]`, row-major, 8 bits per channel. */
export interface RgbaPixels {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
}

/** Settings of {@link measureColourShares}. */
export interface ColourShareOptions {
  /** Largest OKLab distance between a pixel and a palette colour for the pixel to count as that colour. @default 0.08 */
  readonly maxDistance?: number;
  /** Alpha (0–255) from which a pixel belongs to the image rather than to its transparent surround. @default 250 */
  readonly minAlpha?: number;
}

/** Measures the share of each named colour in an image painted with `palette`; largest share first. */
export function measureColourShares(
  pixels: RgbaPixels,
  palette: readonly Rgb[],
  options: ColourShareOptions = {},
): ColourShare[] {
  const { maxDistance = 0.08, minAlpha = 250 } = options;
  const entries = palette.map((rgb) => ({ lab: toOkLab(rgb), name: nameColour(rgb) }));
  const nearestByPixel = new Map<number, ColourName | null>();
  const counts = new Map<ColourName, number>();
  let opaque = 0;
  for (let i = 0; i + 3 < pixels.data.length; i += 4) {
    if ((pixels.data[i + 3] ?? 0) < minAlpha) continue;
    opaque += 1;
    const r = pixels.data[i] ?? 0;
    const g = pixels.data[i + 1] ?? 0;
    const b = pixels.data[i + 2] ?? 0;
    const key = (r << 16) | (g << 8) | b;
    let name = nearestByPixel.get(key);
    if (name === undefined) {
      name = nearestPaletteName({ r, g, b }, entries, maxDistance);
      nearestByPixel.set(key, name);
    }
    if (name !== null) counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  if (opaque === 0) return [];
  return colourNames
    .filter((name) => counts.has(name))
    .map((name) => ({ name, share: (counts.get(name) ?? 0) / opaque }))
    .sort((x, y) => y.share - x.share || colourNames.indexOf(x.name) - colourNames.indexOf(y.name));
}

function nearestPaletteName(
  rgb: Rgb,
  entries: readonly { lab: ReturnType<typeof toOkLab>; name: ColourName }[],
  maxDistance: number,
): ColourName | null {
  const lab = toOkLab(rgb);
  let best: ColourName | null = null;
  let bestDistance = maxDistance;
  for (const entry of entries) {
    const distance = measureOkLabDistance(lab, entry.lab);
    if (distance <= bestDistance) {
      best = entry.name;
      bestDistance = distance;
    }
  }
  return best;
}

/** Which measured colours count as the image's colours. */
export interface CountedColourRule {
  /** Share from which a colour counts, so tiny emblem details do not. @default 0.02 */
  readonly minShare?: number;
  /** Fewest colours to report: flags and emoji always show at least two. @default 2 */
  readonly minColours?: number;
  /** Share below which a colour never counts, even to reach `minColours`. @default 0.005 */
  readonly floorShare?: number;
}

/**
 * Picks the colours that count, largest share first: every colour at or above `minShare`, topped up to `minColours`
 * with the next largest at or above `floorShare` (Morocco's thin green star covers 1.7 % of the flag).
 */
export function pickCountedColours(shares: readonly ColourShare[], rule: CountedColourRule = {}): ColourName[] {
  const { minShare = 0.02, minColours = 2, floorShare = 0.005 } = rule;
  return shares
    .filter((s, index) => s.share >= minShare || (index < minColours && s.share >= floorShare))
    .map((s) => s.name);
}

/** Fraction (0–1) of the square the picture covers: opaque pixels over the longest side squared (the model image). */
export function measureCoverage(pixels: RgbaPixels): number {
  let opaque = 0;
  for (let i = 3; i < pixels.data.length; i += 4) if ((pixels.data[i] ?? 0) >= 128) opaque += 1;
  const side = Math.max(pixels.width, pixels.height);
  return side === 0 ? 0 : opaque / (side * side);
}
