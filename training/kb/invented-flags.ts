/**
 * Invented flags: flag-shaped images of no country, for probing whether the model abstains on a flag it cannot know
 * (harder than a logo, which looks like no flag at all). Each is a common flag layout painted with seeded colours,
 * and one counts as invented only if its measured colour set (the builder's own colour naming, `image-colours.ts`) is
 * the colour set of no real flag, so no country's flag can be the answer.
 * @module
 */
import type { ColourName } from './colour-names.js';
import { measureColourShares, pickCountedColours } from './image-colours.js';
import type { SeededRandom } from './seeded-random.js';
import { extractSvgPalette } from './svg-palette.js';
import { renderSvg } from './svg-render.js';

/** One shade per colour name, near what flags use. */
const flagShades: Readonly<Record<ColourName, string>> = {
  red: '#ce1126',
  orange: '#ff8200',
  yellow: '#fcd116',
  green: '#009246',
  blue: '#0038a8',
  purple: '#6a1b9a',
  pink: '#f49ac1',
  brown: '#8b4513',
  black: '#000000',
  white: '#ffffff',
  grey: '#9e9e9e',
};

const width = 300;
const height = 200;

/** Layouts and how many colours each paints. */
const layouts = {
  horizontal_bands: 3,
  vertical_bands: 3,
  horizontal_bicolour: 2,
  vertical_bicolour: 2,
  nordic_cross: 2,
  disc: 2,
  canton: 3,
  hoist_triangle: 3,
  diagonal: 2,
  saltire: 2,
} as const;

export type FlagLayout = keyof typeof layouts;
export const flagLayouts = Object.keys(layouts) as FlagLayout[];

function rect(x: number, y: number, w: number, h: number, fill: string): string {
  return `<rect x="${x}" y="${y}" width="${w}" height="${h}" fill="${fill}"/>`;
}

function paint(layout: FlagLayout, [a, b, c]: readonly string[]): string {
  const [first = '', second = '', third = ''] = [a, b, c];
  switch (layout) {
    case 'horizontal_bands':
      return [first, second, third].map((f, i) => rect(0, (i * height) / 3, width, height / 3, f)).join('');
    case 'vertical_bands':
      return [first, second, third].map((f, i) => rect((i * width) / 3, 0, width / 3, height, f)).join('');
    case 'horizontal_bicolour':
      return rect(0, 0, width, height / 2, first) + rect(0, height / 2, width, height / 2, second);
    case 'vertical_bicolour':
      return rect(0, 0, width / 2, height, first) + rect(width / 2, 0, width / 2, height, second);
    case 'nordic_cross':
      return rect(0, 0, width, height, first) + rect(90, 0, 36, height, second) + rect(0, 82, width, 36, second);
    case 'disc':
      return (
        rect(0, 0, width, height, first) + `<circle cx="${width / 2}" cy="${height / 2}" r="60" fill="${second}"/>`
      );
    case 'canton':
      return rect(0, 0, width, height, first) + rect(0, 100, width, 100, second) + rect(0, 0, 130, 100, third);
    case 'hoist_triangle':
      return (
        rect(0, 0, width, height / 2, first) +
        rect(0, height / 2, width, height / 2, second) +
        `<polygon points="0,0 130,100 0,200" fill="${third}"/>`
      );
    case 'diagonal':
      return `<polygon points="0,0 300,0 0,200" fill="${first}"/><polygon points="300,0 300,200 0,200" fill="${second}"/>`;
    case 'saltire':
      return (
        rect(0, 0, width, height, first) +
        `<path d="M0,0 L300,200 M300,0 L0,200" stroke="${second}" stroke-width="36"/>`
      );
  }
}

/** An invented flag's drawing, before it is checked against the real flags. */
export interface FlagDraft {
  readonly layout: FlagLayout;
  /** The colour names painted, field first. */
  readonly painted: readonly ColourName[];
  readonly svg: string;
}

/** Draws one flag: a seeded layout painted with distinct seeded colours. */
export function drawFlag(rng: SeededRandom, palette: readonly ColourName[]): FlagDraft {
  const layout = rng.pick(flagLayouts);
  const painted = rng.shuffle(palette).slice(0, layouts[layout]);
  const body = paint(
    layout,
    painted.map((name) => flagShades[name]),
  );
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${body}</svg>`;
  return { layout, painted, svg };
}

/** A colour set as one comparable key (order-free). */
export function colourSetKey(colours: readonly string[]): string {
  return [...new Set(colours)].sort().join('+');
}

/** An invented flag as the model sees it, with the colours the builder measures on it. */
export interface InventedFlag extends FlagDraft {
  readonly colours: readonly ColourName[];
  readonly modelPng: Buffer;
}

/**
 * Draws flags until `count` are invented: the measured colour set must be what was painted (no naming drift) and no
 * real flag's colour set (`realColourSets`, keys of {@link colourSetKey}); repeats of a layout and colour set are skipped.
 */
export async function inventFlags(
  rng: SeededRandom,
  count: number,
  realColourSets: ReadonlySet<string>,
  maxDraws = count * 50,
): Promise<InventedFlag[]> {
  const palette = Object.keys(flagShades) as ColourName[];
  const flags: InventedFlag[] = [];
  const seen = new Set<string>();
  for (let draw = 0; draw < maxDraws && flags.length < count; draw += 1) {
    const draft = drawFlag(rng, palette);
    const key = colourSetKey(draft.painted);
    if (realColourSets.has(key) || seen.has(`${draft.layout}:${key}`)) continue;
    const rendered = await renderSvg(Buffer.from(draft.svg), { displaySize: 0 });
    if (!rendered.analysis) throw new Error('renderSvg returned no analysis raster');
    const shares = measureColourShares(rendered.analysis, await extractSvgPalette(draft.svg));
    const colours = pickCountedColours(shares);
    if (colourSetKey(colours) !== key) continue;
    seen.add(`${draft.layout}:${key}`);
    flags.push({ ...draft, colours, modelPng: rendered.modelPng });
  }
  if (flags.length < count) throw new Error(`invented ${flags.length} of ${count} flags in ${maxDraws} draws`);
  return flags;
}
