/**
 * Basic colour names (the eleven Berlin–Kay terms) and the reference shades that anchor each one. A colour gets the
 * name of its nearest reference shade in OKLab. Several shades per name cover what flags and emoji art actually use
 * (navy and sky blue are both "blue", maroon is "red", gold is "yellow").
 * @module
 */
import { measureOkLabDistance, parseHexColour, toOkLab, type OkLab, type Rgb } from './colour-space.js';

/** The colour vocabulary of attributes and answers. */
export const colourNames = [
  'red',
  'orange',
  'yellow',
  'green',
  'blue',
  'purple',
  'pink',
  'brown',
  'black',
  'white',
  'grey',
] as const;

export type ColourName = (typeof colourNames)[number];

const referenceShades: Record<ColourName, readonly string[]> = {
  red: ['#ff0000', '#ce1126', '#d52b1e', '#bf0a30', '#c8102e', '#e30a17', '#ef3340', '#b22234', '#8d1b3d', '#dd2e44'],
  orange: ['#ff8200', '#ff9933', '#ff883e', '#f77f00', '#ff7900', '#f4900c', '#e8702a'],
  yellow: ['#ffff00', '#fcd116', '#ffd700', '#ffce00', '#f7e017', '#ffcc4d', '#fedf00', '#ffc726', '#fdb913'],
  green: [
    '#00ff00',
    '#01411c',
    '#006600',
    '#115740',
    '#009246',
    '#009b3a',
    '#007a3d',
    '#078930',
    '#006a4e',
    '#3cb043',
    '#77b255',
    '#5c913b',
  ],
  blue: [
    '#0000ff',
    '#3c3b6e',
    '#012169',
    '#00205b',
    '#002147',
    '#0038a8',
    '#002868',
    '#00247d',
    '#00008b',
    '#74acdf',
    '#55acee',
    '#3b88c3',
    '#0072c6',
    '#4aa3df',
  ],
  purple: ['#800080', '#7b3294', '#aa8ed6', '#9266cc', '#744eaa', '#553788'],
  pink: ['#ffc0cb', '#ff69b4', '#f4abba', '#ea596e', '#ff7892', '#e75a70'],
  brown: ['#8b4513', '#a0522d', '#c1694f', '#662113', '#7c533e', '#d99e82', '#a0041e'],
  black: ['#000000', '#141414', '#292f33', '#31373d'],
  white: ['#ffffff', '#f5f8fa', '#fcfcfc'],
  grey: ['#808080', '#99aab5', '#66757f', '#ccd6dd', '#a9a9a9', '#bfbfbf'],
};

interface Anchor {
  readonly name: ColourName;
  readonly lab: OkLab;
}

const anchors: readonly Anchor[] = colourNames.flatMap((name) =>
  referenceShades[name].map((hex) => {
    const rgb = parseHexColour(hex);
    if (!rgb) throw new Error(`bad reference shade ${hex}`);
    return { name, lab: toOkLab(rgb) };
  }),
);

/** Names a colour by its nearest reference shade in OKLab. */
export function nameColour(rgb: Rgb): ColourName {
  const lab = toOkLab(rgb);
  let best: Anchor = anchors[0] as Anchor;
  let bestDistance = Infinity;
  for (const anchor of anchors) {
    const distance = measureOkLabDistance(lab, anchor.lab);
    if (distance < bestDistance) {
      best = anchor;
      bestDistance = distance;
    }
  }
  return best.name;
}
