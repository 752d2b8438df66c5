/**
 * Names of entities that do not exist, for unanswerable questions: country names from syllables ("Valdoria"),
 * emoji names from an adjective and a noun ("glowing teapot"). Any name that matches a real one is dropped.
 * @module
 */
import type { SeededRandom } from './seeded-random.js';

const countryStarts = ['Val', 'Kes', 'Mor', 'Tal', 'Zan', 'Bel', 'Dra', 'Lor', 'Ost', 'Quel', 'Ser', 'Vor', 'Ard', 'Cor', 'Eld', 'Fen', 'Gal', 'Hal', 'Ist', 'Jor', 'Nar', 'Pel', 'Rud', 'Sol', 'Thar', 'Ul', 'Wen', 'Yar']; // prettier-ignore
const countryEnds = ['doria', 'tania', 'ovia', 'amar', 'essa', 'undia', 'aria', 'everia', 'istan', 'ador', 'onia', 'esh', 'ora', 'ingia', 'ethia', 'uria', 'alia']; // prettier-ignore
const emojiAdjectives = ['glowing', 'sleepy', 'tiny', 'dancing', 'frozen', 'golden', 'striped', 'melting', 'flying', 'grumpy', 'singing', 'wooden', 'spotted', 'upside-down', 'crystal', 'fluffy']; // prettier-ignore
const emojiNouns = ['toaster', 'walrus', 'cactus', 'teapot', 'lighthouse', 'accordion', 'pineapple', 'robot', 'umbrella', 'snowman', 'hedgehog', 'kettle', 'anchor', 'lantern', 'octopus', 'bicycle']; // prettier-ignore

function drawNames(rng: SeededRandom, combos: readonly string[], taken: ReadonlySet<string>, count: number): string[] {
  return rng
    .shuffle(combos)
    .filter((name) => !taken.has(name.toLowerCase()))
    .slice(0, count);
}

/** Up to `count` fictional country names; `realNames` (lowercase) are never returned. */
export function inventCountryNames(rng: SeededRandom, realNames: ReadonlySet<string>, count: number): string[] {
  const combos = countryStarts.flatMap((start) => countryEnds.map((end) => start + end));
  return drawNames(rng, combos, realNames, count);
}

/** Up to `count` fictional emoji names; `realLabels` (lowercase) are never returned. */
export function inventEmojiNames(rng: SeededRandom, realLabels: ReadonlySet<string>, count: number): string[] {
  const combos = emojiAdjectives.flatMap((adjective) => emojiNouns.map((noun) => `${adjective} ${noun}`));
  return drawNames(rng, combos, realLabels, count);
}
