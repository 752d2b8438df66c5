/**
 * Text-fact questions: one fact of one entity, answered by one text item ("What currency is used in Peru?").
 * Negatives: the same fact of related entities first (a neighbour's currency), then other facts of the same entity.
 * @module
 */
import { collectNegatives, mapRole, rankRelatedCountries, rankRelatedEmoji } from './hard-negatives.js';
import type { EntityRecord } from './kb-records.js';
import { assignSplit, findItemId, nameEntity, type QuestionContext } from './question-context.js';
import type { QuestionInstance } from './question-instance.js';

interface FactSpec {
  readonly family: string;
  /** The item that answers it. */
  readonly role: string;
  readonly answers: (e: EntityRecord, ctx: QuestionContext) => string[];
  readonly slots: (e: EntityRecord) => Record<string, string>;
}

const countryFacts: readonly FactSpec[] = [
  { family: 'capital', role: 'capital', answers: (e) => e.facts.capitals ?? [], slots: (e) => ({ country: e.name }) },
  {
    family: 'currency',
    role: 'currencies',
    answers: (e) => e.facts.currencies ?? [],
    slots: (e) => ({ country: e.name }),
  },
  {
    family: 'language',
    role: 'languages',
    answers: (e) => e.facts.languages ?? [],
    slots: (e) => ({ country: e.name }),
  },
  {
    family: 'location',
    role: 'location',
    answers: (e) => [e.facts.subregion, e.facts.region].filter((x): x is string => x !== undefined),
    slots: (e) => ({ country: e.name }),
  },
  {
    family: 'neighbour',
    role: 'borders',
    answers: (e, ctx) => (e.facts.borders ?? []).map((key) => nameEntity(ctx, key)),
    slots: (e) => ({ country: e.name }),
  },
];

const emojiFacts: readonly FactSpec[] = [
  {
    family: 'emoji_group',
    role: 'category',
    answers: (e) => (e.facts.group ? [e.facts.group] : []),
    slots: (e) => ({ emoji: e.name }),
  },
  {
    family: 'emoji_subgroup',
    role: 'category',
    answers: (e) => (e.facts.subgroup ? [e.facts.subgroup] : []),
    slots: (e) => ({ emoji: e.name }),
  },
];

const countryRoles = ['capital', 'location', 'languages', 'currencies', 'borders', 'area', 'landlocked'];

function draftFact(ctx: QuestionContext, e: EntityRecord, spec: FactSpec): QuestionInstance | undefined {
  const answers = spec.answers(e, ctx);
  const goldId = findItemId(ctx, e.entity, spec.role);
  if (answers.length === 0 || goldId === undefined) return undefined;
  const isCountry = e.source === 'countries';
  const related = isCountry ? rankRelatedCountries(ctx, e.entity) : rankRelatedEmoji(ctx, e.entity);
  const ownOthers = isCountry
    ? mapRole(ctx, [e.entity], 'flag').concat(countryRoles.map((r) => findItemId(ctx, e.entity, r)))
    : mapRole(ctx, [e.entity], 'emoji');
  const negatives = collectNegatives(
    [goldId],
    [mapRole(ctx, related.slice(0, 4), spec.role), ownOthers, mapRole(ctx, related, spec.role)],
  );
  return {
    family: spec.family,
    variant: '',
    entity: e.entity,
    entities: [e.entity],
    source: e.source,
    split: assignSplit(ctx.seed, e.entity),
    slots: spec.slots(e),
    answers,
    match: 'contains_any',
    gold: [goldId],
    negatives,
  };
}

/** "Which country has Lima as its capital?": skipped for capitals that two entities share (Kingston, Oranjestad). */
function draftCapitalOf(ctx: QuestionContext, countries: readonly EntityRecord[]): QuestionInstance[] {
  const owners = new Map<string, number>();
  for (const e of countries) for (const c of e.facts.capitals ?? []) owners.set(c, (owners.get(c) ?? 0) + 1);
  return countries.flatMap((e) => {
    const capitals = e.facts.capitals ?? [];
    const goldId = findItemId(ctx, e.entity, 'capital');
    if (capitals.length !== 1 || goldId === undefined || owners.get(capitals[0] as string) !== 1) return [];
    const related = rankRelatedCountries(ctx, e.entity);
    return [
      {
        family: 'capital_of',
        variant: '',
        entity: e.entity,
        entities: [e.entity],
        source: 'countries' as const,
        split: assignSplit(ctx.seed, e.entity),
        slots: { capital: capitals[0] as string },
        answers: [e.name],
        match: 'contains_any' as const,
        gold: [goldId],
        negatives: collectNegatives([goldId], [mapRole(ctx, related, 'capital')]),
      },
    ];
  });
}

/** All text-fact instances of the knowledge base. */
export function draftTextFactQuestions(ctx: QuestionContext): QuestionInstance[] {
  const countries = ctx.entities.filter((e) => e.source === 'countries');
  const emoji = ctx.entities.filter((e) => e.source === 'emoji');
  const drafts = [
    ...countries.flatMap((e) => countryFacts.map((spec) => draftFact(ctx, e, spec))),
    ...emoji.flatMap((e) => emojiFacts.map((spec) => draftFact(ctx, e, spec))),
  ];
  return [...drafts.filter((d): d is QuestionInstance => d !== undefined), ...draftCapitalOf(ctx, countries)];
}
