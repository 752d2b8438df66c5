/**
 * sRGB and OKLab colour values. OKLab is the perceptual space the builder measures colour distances in: Euclidean
 * distance there tracks perceived difference far better than in sRGB (Ottosson 2020, "A perceptual color space").
 * @module
 */

/** An sRGB colour, channels 0–255. */
export interface Rgb {
  readonly r: number;
  readonly g: number;
  readonly b: number;
}

/** A colour in OKLab: `l` lightness 0–1, `a` green–red, `b` blue–yellow. */
export interface OkLab {
  readonly l: number;
  readonly a: number;
  readonly b: number;
}

function linearise(channel: number): number {
  const c = channel / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

/** Converts an sRGB colour to OKLab. */
export function toOkLab(rgb: Rgb): OkLab {
  const r = linearise(rgb.r);
  const g = linearise(rgb.g);
  const b = linearise(rgb.b);
  const l = Math.cbrt(0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b);
  const m = Math.cbrt(0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b);
  const s = Math.cbrt(0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b);
  return {
    l: 0.2104542553 * l + 0.793617785 * m - 0.0040720468 * s,
    a: 1.9779984951 * l - 2.428592205 * m + 0.4505937099 * s,
    b: 0.0259040371 * l + 0.7827717662 * m - 0.808675766 * s,
  };
}

/** Euclidean distance in OKLab (a ΔE where about 0.02 is a just-noticeable difference). */
export function measureOkLabDistance(x: OkLab, y: OkLab): number {
  return Math.hypot(x.l - y.l, x.a - y.a, x.b - y.b);
}

/** Parses `#rgb`, `#rgba`, `#rrggbb` or `#rrggbbaa` (alpha ignored); undefined when malformed. */
export function parseHexColour(hex: string): Rgb | undefined {
  const body = hex.startsWith('#') ? hex.slice(1) : hex;
  if (!/^[0-9a-f]+$/i.test(body)) return undefined;
  if (body.length === 3 || body.length === 4) {
    const [r, g, b] = [0, 1, 2].map((i) => parseInt(body.charAt(i).repeat(2), 16)) as [number, number, number];
    return { r, g, b };
  }
  if (body.length === 6 || body.length === 8) {
    const [r, g, b] = [0, 2, 4].map((i) => parseInt(body.slice(i, i + 2), 16)) as [number, number, number];
    return { r, g, b };
  }
  return undefined;
}

/** Formats an sRGB colour as lowercase `#rrggbb`. */
export function formatHexColour(rgb: Rgb): string {
  return '#' + [rgb.r, rgb.g, rgb.b].map((c) => c.toString(16).padStart(2, '0')).join('');
}
