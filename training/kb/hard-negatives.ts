/**
 * Hard negatives: knowledge items that look like the answer's evidence but are not. The order of preference is
 * fixed per question family (same fact of a neighbouring country, then of the same subregion; flags with the most
 * similar colours; emoji of the same subgroup; other facts of the same entity), and ties are broken by a seeded shuffle.
 * @module
 */
import { findItemId, randomFor, type QuestionContext } from './question-context.js';

/** Number of negatives each question carries. */
export const negativesPerQuestion = 6;

/** Keys of a ranking that {@link mapRole} looks at. */
const maxMappedKeys = 40;

/** Takes ids from the candidate lists in order, skipping gold, duplicates and missing ids, up to `limit`. */
export function collectNegatives(
  gold: readonly string[],
  candidateLists: readonly (readonly (string | undefined)[])[],
  limit = negativesPerQuestion,
): string[] {
  const taken = new Set(gold);
  const negatives: string[] = [];
  for (const list of candidateLists) {
    for (const id of list) {
      if (negatives.length >= limit) return negatives;
      if (id === undefined || taken.has(id)) continue;
      taken.add(id);
      negatives.push(id);
    }
  }
  return negatives;
}

const rankings = new WeakMap<QuestionContext, Map<string, string[]>>();

/** Memoises a ranking per context and key: generators ask for the same entity's ranking many times. */
function memoise(ctx: QuestionContext, key: string, rank: () => string[]): string[] {
  const memo = rankings.get(ctx) ?? new Map<string, string[]>();
  rankings.set(ctx, memo);
  const known = memo.get(key);
  if (known) return known;
  const ranked = rank();
  memo.set(key, ranked);
  return ranked;
}

/** Other countries, nearest first: neighbours, then the same subregion, then the same region, then the rest. */
export function rankRelatedCountries(ctx: QuestionContext, entityKey: string): string[] {
  return memoise(ctx, `related:${entityKey}`, () => rankRelatedCountriesOnce(ctx, entityKey));
}

function rankRelatedCountriesOnce(ctx: QuestionContext, entityKey: string): string[] {
  const self = ctx.entityByKey.get(entityKey);
  const rng = randomFor(ctx, 'related', entityKey);
  const others = rng.shuffle(ctx.entities.filter((e) => e.source === 'countries' && e.entity !== entityKey));
  const borders = new Set(self?.facts.borders ?? []);
  const rank = (key: string): number => {
    const other = ctx.entityByKey.get(key);
    if (borders.has(key)) return 0;
    if (other?.facts.subregion !== undefined && other.facts.subregion === self?.facts.subregion) return 1;
    return other?.facts.region === self?.facts.region ? 2 : 3;
  };
  return sortByTier(
    others.map((e) => e.entity),
    rank,
  );
}

/** Other countries whose flag colours are closest (L1 distance between colour-share vectors). */
export function rankSimilarFlags(ctx: QuestionContext, entityKey: string): string[] {
  return memoise(ctx, `flags:${entityKey}`, () => rankSimilarFlagsOnce(ctx, entityKey));
}

function rankSimilarFlagsOnce(ctx: QuestionContext, entityKey: string): string[] {
  const sharesOf = (key: string): Record<string, number> => {
    const id = findItemId(ctx, key, 'flag');
    return (id && ctx.attributesById.get(id)?.shares) || {};
  };
  const own = sharesOf(entityKey);
  const distance = (key: string): number => {
    const other = sharesOf(key);
    const names = new Set([...Object.keys(own), ...Object.keys(other)]);
    return [...names].reduce((sum, name) => sum + Math.abs((own[name] ?? 0) - (other[name] ?? 0)), 0);
  };
  const rng = randomFor(ctx, 'similar-flags', entityKey);
  const others = rng.shuffle(ctx.entities.filter((e) => e.source === 'countries' && e.entity !== entityKey));
  return others
    .map((e) => ({ key: e.entity, d: distance(e.entity) }))
    .sort((x, y) => x.d - y.d)
    .map((x) => x.key);
}

/** Other emoji: same subgroup first, then same group, then the rest (each tier shuffled). */
export function rankRelatedEmoji(ctx: QuestionContext, entityKey: string): string[] {
  return memoise(ctx, `emoji:${entityKey}`, () => rankRelatedEmojiOnce(ctx, entityKey));
}

function rankRelatedEmojiOnce(ctx: QuestionContext, entityKey: string): string[] {
  const self = ctx.entityByKey.get(entityKey);
  const rng = randomFor(ctx, 'related-emoji', entityKey);
  const others = rng.shuffle(ctx.entities.filter((e) => e.source === 'emoji' && e.entity !== entityKey));
  const rank = (key: string): number => {
    const other = ctx.entityByKey.get(key);
    if (other?.facts.subgroup === self?.facts.subgroup) return 0;
    return other?.facts.group === self?.facts.group ? 1 : 2;
  };
  return sortByTier(
    others.map((e) => e.entity),
    rank,
  );
}

/** The item ids of `role` for the first 40 entity keys (undefined where an entity has none). */
export function mapRole(ctx: QuestionContext, keys: readonly string[], role: string): (string | undefined)[] {
  // Negatives need a handful of ids; mapping a ranking of 1,600 emoji in full for each question is wasted work.
  return keys.slice(0, maxMappedKeys).map((key) => findItemId(ctx, key, role));
}

/** Orders keys by tier (bucketed, so linear), keeping the seeded shuffle order within each tier. */
function sortByTier(keys: readonly string[], tierOf: (key: string) => number): string[] {
  const buckets: string[][] = [];
  for (const key of keys) {
    const tier = tierOf(key);
    (buckets[tier] ??= []).push(key);
  }
  return buckets.flatMap((bucket) => bucket ?? []);
}
