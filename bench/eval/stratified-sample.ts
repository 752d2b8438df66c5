/**
 * A fixed, seeded subset stratified by question type: each type keeps its share of the whole (largest remainders
 * round), so a subset of 300 has the type mix of the full split. Used by `--limit` and by the ablations.
 * @module
 */
import { SeededRandom } from '../../training/kb/seeded-random.js';

/** `size` items drawn per group of `groupOf`, in their original order; all of them when `size` is not smaller. */
export function sampleStratified<T>(
  items: readonly T[],
  groupOf: (item: T) => string,
  size: number,
  seedKey: string,
): T[] {
  if (size >= items.length) return [...items];
  const groups = new Map<string, number[]>();
  items.forEach((item, i) => groups.set(groupOf(item), [...(groups.get(groupOf(item)) ?? []), i]));
  const quotas = [...groups.entries()].map(([group, indices]) => {
    const exact = (indices.length * size) / items.length;
    return { group, indices, take: Math.floor(exact), remainder: exact - Math.floor(exact) };
  });
  let left = size - quotas.reduce((n, q) => n + q.take, 0);
  for (const quota of [...quotas].sort((a, b) => b.remainder - a.remainder || a.group.localeCompare(b.group))) {
    if (left === 0) break;
    quota.take += 1;
    left -= 1;
  }
  const kept = quotas.flatMap((q) => new SeededRandom(`${seedKey}|${q.group}`).shuffle(q.indices).slice(0, q.take));
  return kept.sort((a, b) => a - b).map((i) => items[i]!);
}
