/**
 * Two-source comparisons: each question names two entities of the same split and needs one item of each
 * ("Which is larger, Chile or Peru?" needs both area passages). Pairs per country, all within its split: up to two
 * neighbours, one country of the same subregion and one at random; per emoji one same-subgroup or random partner.
 * @module
 */
import { collectNegatives, mapRole, rankRelatedCountries } from './hard-negatives.js';
import type { EntityRecord } from './kb-records.js';
import { assignSplit, groupBySplit, randomFor, type QuestionContext } from './question-context.js';
import type { QuestionInstance } from './question-instance.js';
import type { SeededRandom } from './seeded-random.js';

/** Area ratio below which two countries are too close in size to compare (the passages round to 1 km²). */
const minAreaRatio = 1.25;

interface Pair {
  readonly x: EntityRecord;
  readonly y: EntityRecord;
}

function pairCountries(ctx: QuestionContext, countries: readonly EntityRecord[]): Pair[] {
  const pairs = new Map<string, Pair>();
  const bySplit = groupBySplit(ctx, countries);
  for (const e of countries) {
    const sameSplit = (bySplit.get(assignSplit(ctx.seed, e.entity)) ?? []).filter((o) => o.entity !== e.entity);
    const neighbours = sameSplit.filter((o) => (e.facts.borders ?? []).includes(o.entity)).slice(0, 2);
    const rng = randomFor(ctx, 'pair', e.entity);
    // One partner from the same subregion keeps "same part of the world?" answers from being mostly "no".
    const sameSubregion = sameSplit.filter((o) => o.facts.subregion === e.facts.subregion && !neighbours.includes(o));
    const partners = [...neighbours, ...rng.shuffle(sameSubregion).slice(0, 1), ...rng.shuffle(sameSplit).slice(0, 1)];
    for (const o of partners) {
      const [x, y] = e.entity < o.entity ? [e, o] : [o, e];
      pairs.set(`${x.entity}|${y.entity}`, { x, y });
    }
  }
  return [...pairs.values()];
}

function pairBase(
  ctx: QuestionContext,
  pair: Pair,
  rng: SeededRandom,
): Omit<QuestionInstance, 'family' | 'answers' | 'match' | 'gold' | 'negatives'> {
  const [a, b] = rng.next() < 0.5 ? [pair.x, pair.y] : [pair.y, pair.x];
  return {
    variant: '',
    entity: a.entity,
    entities: [a.entity, b.entity],
    source: a.source,
    split: assignSplit(ctx.seed, a.entity),
    slots: { a: a.name, b: b.name },
  };
}

function relatedNegatives(ctx: QuestionContext, pair: Pair, role: string, gold: readonly string[]): string[] {
  const nearX = rankRelatedCountries(ctx, pair.x.entity).filter((k) => k !== pair.y.entity);
  const nearY = rankRelatedCountries(ctx, pair.y.entity).filter((k) => k !== pair.x.entity);
  const own = [
    ...mapRole(ctx, [pair.x.entity, pair.y.entity], 'location'),
    ...mapRole(ctx, [pair.x.entity, pair.y.entity], 'borders'),
  ];
  return collectNegatives(gold, [
    mapRole(ctx, nearX.slice(0, 2), role),
    mapRole(ctx, nearY.slice(0, 2), role),
    own.slice(0, 2),
    mapRole(ctx, nearX, role),
  ]);
}

function draftCountryPair(ctx: QuestionContext, pair: Pair): QuestionInstance[] {
  const rng = randomFor(ctx, 'compare', pair.x.entity, pair.y.entity);
  const base = pairBase(ctx, pair, rng);
  const options = [base.slots.a as string, base.slots.b as string];
  const drafts: QuestionInstance[] = [];
  const [areaX, areaY] = [pair.x.facts.area_km2, pair.y.facts.area_km2];
  const areaIds = mapRole(ctx, [pair.x.entity, pair.y.entity], 'area');
  if (areaX && areaY && Math.max(areaX, areaY) / Math.min(areaX, areaY) >= minAreaRatio && areaIds.every(Boolean)) {
    const isLarger = rng.next() < 0.5;
    const answer = areaX > areaY === isLarger ? pair.x.name : pair.y.name;
    const gold = areaIds as string[];
    const negatives = relatedNegatives(ctx, pair, 'area', gold);
    drafts.push({
      ...base,
      family: isLarger ? 'larger' : 'smaller',
      answers: [answer],
      match: 'choice',
      options,
      gold,
      negatives,
    });
  }
  const locationIds = mapRole(ctx, [pair.x.entity, pair.y.entity], 'location');
  if (pair.x.facts.subregion && pair.y.facts.subregion && locationIds.every(Boolean)) {
    const answer = pair.x.facts.subregion === pair.y.facts.subregion ? 'yes' : 'no';
    const gold = locationIds as string[];
    drafts.push({
      ...base,
      family: 'same_subregion',
      answers: [answer],
      match: 'yes_no',
      gold,
      negatives: relatedNegatives(ctx, pair, 'location', gold),
    });
  }
  const landlockedIds = mapRole(ctx, [pair.x.entity, pair.y.entity], 'landlocked');
  if (pair.x.facts.landlocked !== pair.y.facts.landlocked && landlockedIds.every(Boolean)) {
    const answer = pair.x.facts.landlocked ? pair.x.name : pair.y.name;
    const gold = landlockedIds as string[];
    const negatives = relatedNegatives(ctx, pair, 'landlocked', gold);
    drafts.push({ ...base, family: 'landlocked_which', answers: [answer], match: 'choice', options, gold, negatives });
  }
  return drafts;
}

function draftEmojiPairs(ctx: QuestionContext, emoji: readonly EntityRecord[]): QuestionInstance[] {
  const bySplit = groupBySplit(ctx, emoji);
  return emoji.flatMap((e) => {
    const rng = randomFor(ctx, 'emoji-pair', e.entity);
    const sameSplit = (bySplit.get(assignSplit(ctx.seed, e.entity)) ?? []).filter((o) => o.entity !== e.entity);
    const sameSubgroup = sameSplit.filter((o) => o.facts.subgroup === e.facts.subgroup);
    const pool = rng.next() < 0.5 && sameSubgroup.length > 0 ? sameSubgroup : sameSplit;
    if (pool.length === 0) return [];
    const pair = { x: e, y: rng.pick(pool) };
    const gold = mapRole(ctx, [pair.x.entity, pair.y.entity], 'category');
    if (!gold.every(Boolean)) return [];
    const near = rng.shuffle(sameSplit.filter((o) => o.facts.group === e.facts.group && o.entity !== pair.y.entity));
    const negatives = collectNegatives(gold as string[], [
      mapRole(
        ctx,
        near.map((o) => o.entity),
        'category',
      ).slice(0, 4),
      mapRole(ctx, [pair.x.entity, pair.y.entity], 'emoji'),
    ]);
    const answer = pair.x.facts.group === pair.y.facts.group ? 'yes' : 'no';
    return [
      {
        ...pairBase(ctx, pair, rng),
        family: 'emoji_same_group',
        answers: [answer],
        match: 'yes_no' as const,
        gold: gold as string[],
        negatives,
      },
    ];
  });
}

/** All comparison instances of the knowledge base. */
export function draftComparisonQuestions(ctx: QuestionContext): QuestionInstance[] {
  const countries = ctx.entities.filter((e) => e.source === 'countries');
  const emoji = ctx.entities.filter((e) => e.source === 'emoji');
  return [
    ...pairCountries(ctx, countries).flatMap((pair) => draftCountryPair(ctx, pair)),
    ...draftEmojiPairs(ctx, emoji),
  ];
}
