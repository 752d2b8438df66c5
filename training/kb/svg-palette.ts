/**
 * The colours an SVG paints with, read from its markup: `fill`, `stroke`, `stop-color` and `color` attributes and the
 * same properties inside `style="…"` and `<style>` blocks. Named colours and functional notations (`rgb(…)`,
 * `hsl(…)`) are resolved by librsvg itself (a 1×1 render), so they mean exactly what the renderer paints.
 * @module
 */
import sharp from 'sharp';
import { formatHexColour, parseHexColour, type Rgb } from './colour-space.js';

// The value class admits hex, names and functional notations, and nothing that could break the probe's markup.
const colourProperty = /\b(?:fill|stroke|stop-color|color)\s*(?:=\s*["']|:\s*)([#\w(),.%\s-]+)/gi;
const notPaint = /^(none|transparent|currentcolor|inherit|initial|unset|url\(.*|context-fill|context-stroke)$/i;

/**
 * Lists the distinct paint values written in an SVG, lowercased, in first-seen order. Black is always included
 * because SVG fills any shape without a `fill` with black, and such shapes are common in flag and emoji art.
 */
export function listSvgPaints(svg: string): string[] {
  const paints = new Set<string>(['#000000']);
  for (const match of svg.matchAll(colourProperty)) {
    const value = (match[1] ?? '').trim().toLowerCase();
    if (value !== '' && !notPaint.test(value)) paints.add(value);
  }
  return [...paints];
}

const sentinel = '#010203';
const resolvedPaints = new Map<string, Rgb | undefined>();

async function resolvePaintWithRenderer(paint: string): Promise<Rgb | undefined> {
  // librsvg ignores a fill it cannot parse, so the rect inherits the group's sentinel colour instead.
  const probe =
    `<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"><g fill="${sentinel}">` +
    `<rect width="1" height="1" fill="${paint.replace(/"/g, '')}"/></g></svg>`;
  const { data } = await sharp(Buffer.from(probe)).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const rgb = { r: data[0] ?? 0, g: data[1] ?? 0, b: data[2] ?? 0 };
  if ((data[3] ?? 0) < 255 || formatHexColour(rgb) === sentinel) return undefined;
  return rgb;
}

/** Resolves one paint value to sRGB; undefined when the renderer does not understand it. Memoised. */
export async function resolvePaint(paint: string): Promise<Rgb | undefined> {
  const hex = paint.startsWith('#') ? parseHexColour(paint) : undefined;
  if (hex) return hex;
  if (!resolvedPaints.has(paint)) resolvedPaints.set(paint, await resolvePaintWithRenderer(paint));
  return resolvedPaints.get(paint);
}

/** The resolved, de-duplicated palette of an SVG (see {@link listSvgPaints}). */
export async function extractSvgPalette(svg: string): Promise<Rgb[]> {
  const palette = new Map<string, Rgb>();
  for (const paint of listSvgPaints(svg)) {
    const rgb = await resolvePaint(paint);
    if (rgb) palette.set(`${rgb.r},${rgb.g},${rgb.b}`, rgb);
  }
  return [...palette.values()];
}
