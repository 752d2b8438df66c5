/**
 * Injected distractors (the RA-BLIP noise-robustness setting): random knowledge items that are neither gold nor
 * already retrieved, shuffled into the prompt together with the retrieved references. Every draw is seeded by the
 * question, and the distractors of a smaller count are a prefix of those of a larger one, so the 0/2/4/8 settings
 * differ only in the added noise.
 * @module
 */
import { SeededRandom } from '../../training/kb/seeded-random.js';

/**
 * `count` distinct ids from `pool`, none of them in `excluded`, drawn by `key`. Throws when the pool has too few
 * eligible ids.
 */
export function pickDistractors(
  pool: readonly string[],
  excluded: ReadonlySet<string>,
  count: number,
  key: string,
): string[] {
  const eligible = pool.filter((id) => !excluded.has(id));
  if (eligible.length < count) throw new RangeError(`only ${eligible.length} distractor candidates, ${count} needed`);
  const rng = new SeededRandom(`distractors|${key}`);
  const picked = new Set<string>();
  while (picked.size < count) picked.add(rng.pick(eligible));
  return [...picked];
}

/** The retrieved references and the distractors in one seeded random order (the prompt order). */
export function mixReferences(retrieved: readonly string[], distractors: readonly string[], key: string): string[] {
  return new SeededRandom(`order|${key}`).shuffle([...retrieved, ...distractors]);
}
