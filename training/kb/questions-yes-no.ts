/**
 * Yes/no questions, balanced: each fact yields a "yes" instance and, where a plausible wrong value exists, a "no"
 * instance (a neighbour's capital, a same-subregion country that is not a neighbour, a flag colour the flag lacks,
 * another emoji group). Landlocked questions are asked both ways ("Is … landlocked?", "Does … have a coastline?").
 * @module
 */
import {
  collectNegatives,
  mapRole,
  rankRelatedCountries,
  rankRelatedEmoji,
  rankSimilarFlags,
} from './hard-negatives.js';
import type { EntityRecord } from './kb-records.js';
import { assignSplit, findItemId, nameEntity, randomFor, type QuestionContext } from './question-context.js';
import type { QuestionInstance } from './question-instance.js';

/** Colours asked about in "no" flag questions: common flag colours, so the question is plausible. */
const askedFlagColours = ['red', 'white', 'blue', 'green', 'yellow', 'black', 'orange'];

type YesNoBase = Omit<QuestionInstance, 'family' | 'variant' | 'answers' | 'gold' | 'negatives' | 'slots'>;

function baseOf(ctx: QuestionContext, e: EntityRecord): YesNoBase {
  return {
    entity: e.entity,
    entities: [e.entity],
    source: e.source,
    split: assignSplit(ctx.seed, e.entity),
    match: 'yes_no',
  };
}

function draftLandlocked(ctx: QuestionContext, e: EntityRecord, related: readonly string[]): QuestionInstance[] {
  const goldId = findItemId(ctx, e.entity, 'landlocked');
  if (goldId === undefined || e.facts.landlocked === undefined) return [];
  const negatives = collectNegatives(
    [goldId],
    [
      mapRole(ctx, related.slice(0, 4), 'landlocked'),
      mapRole(ctx, [e.entity], 'location'),
      mapRole(ctx, [e.entity], 'borders'),
    ],
  );
  const common = { ...baseOf(ctx, e), variant: '', slots: { country: e.name }, gold: [goldId], negatives };
  return [
    { ...common, family: 'landlocked', answers: [e.facts.landlocked ? 'yes' : 'no'] },
    { ...common, family: 'coastline', answers: [e.facts.landlocked ? 'no' : 'yes'] },
  ];
}

function draftFlagColour(ctx: QuestionContext, e: EntityRecord): QuestionInstance[] {
  const flagId = findItemId(ctx, e.entity, 'flag');
  const attributes = flagId ? ctx.attributesById.get(flagId) : undefined;
  if (!flagId || !attributes || attributes.colours.length === 0) return [];
  const rng = randomFor(ctx, 'flag-colour', e.entity);
  const present = rng.pick(attributes.colours);
  // "No" only for colours with no measurable pixel at all, so a tiny emblem detail never makes "no" wrong.
  const absent = askedFlagColours.filter((c) => attributes.shares[c] === undefined);
  const negatives = collectNegatives([flagId], [mapRole(ctx, rankSimilarFlags(ctx, e.entity), 'flag')]);
  const common = { ...baseOf(ctx, e), family: 'flag_has_colour', gold: [flagId], negatives };
  const drafts: QuestionInstance[] = [
    { ...common, variant: present, slots: { country: e.name, colour: present }, answers: ['yes'] },
  ];
  if (absent.length > 0) {
    const colour = rng.pick(absent);
    drafts.push({ ...common, variant: colour, slots: { country: e.name, colour }, answers: ['no'] });
  }
  return drafts;
}

function draftCapitalCheck(ctx: QuestionContext, e: EntityRecord, related: readonly string[]): QuestionInstance[] {
  const goldId = findItemId(ctx, e.entity, 'capital');
  const capital = e.facts.capitals?.[0];
  if (!goldId || !capital) return [];
  const negatives = collectNegatives([goldId], [mapRole(ctx, related, 'capital')]);
  const common = { ...baseOf(ctx, e), family: 'capital_check', gold: [goldId], negatives };
  const drafts: QuestionInstance[] = [
    { ...common, variant: capital, slots: { country: e.name, city: capital }, answers: ['yes'] },
  ];
  const own = new Set(e.facts.capitals);
  const otherCity = related
    .map((k) => ctx.entityByKey.get(k)?.facts.capitals?.[0])
    .find((c) => c !== undefined && !own.has(c));
  if (otherCity)
    drafts.push({ ...common, variant: otherCity, slots: { country: e.name, city: otherCity }, answers: ['no'] });
  return drafts;
}

function draftBorderCheck(ctx: QuestionContext, e: EntityRecord, related: readonly string[]): QuestionInstance[] {
  const goldId = findItemId(ctx, e.entity, 'borders');
  const borders = new Set(e.facts.borders ?? []);
  if (!goldId || borders.size === 0) return [];
  const rng = randomFor(ctx, 'border-check', e.entity);
  const negatives = collectNegatives([goldId], [mapRole(ctx, related, 'borders')]);
  const common = { ...baseOf(ctx, e), family: 'border_check', gold: [goldId], negatives };
  const yes = rng.pick([...borders]);
  const no = related.find((k) => !borders.has(k));
  const drafts: QuestionInstance[] = [
    { ...common, variant: yes, slots: { country: e.name, other: nameEntity(ctx, yes) }, answers: ['yes'] },
  ];
  if (no)
    drafts.push({ ...common, variant: no, slots: { country: e.name, other: nameEntity(ctx, no) }, answers: ['no'] });
  return drafts;
}

function draftEmojiGroupCheck(ctx: QuestionContext, e: EntityRecord, groups: readonly string[]): QuestionInstance[] {
  const goldId = findItemId(ctx, e.entity, 'category');
  const group = e.facts.group;
  if (!goldId || !group) return [];
  const rng = randomFor(ctx, 'emoji-group-check', e.entity);
  const otherGroups = groups.filter((g) => g !== group);
  const asked = otherGroups.length > 0 && rng.next() < 0.5 ? rng.pick(otherGroups) : group;
  const negatives = collectNegatives(
    [goldId],
    [mapRole(ctx, rankRelatedEmoji(ctx, e.entity), 'category').slice(0, 4), mapRole(ctx, [e.entity], 'emoji')],
  );
  const answer = asked === group ? 'yes' : 'no';
  return [
    {
      ...baseOf(ctx, e),
      family: 'emoji_group_check',
      variant: asked,
      slots: { emoji: e.name, group: asked },
      answers: [answer],
      gold: [goldId],
      negatives,
    },
  ];
}

/** All yes/no instances of the knowledge base. */
export function draftYesNoQuestions(ctx: QuestionContext): QuestionInstance[] {
  const groups = [...new Set(ctx.entities.flatMap((e) => (e.facts.group ? [e.facts.group] : [])))].sort();
  return ctx.entities.flatMap((e) => {
    if (e.source === 'emoji') return draftEmojiGroupCheck(ctx, e, groups);
    const related = rankRelatedCountries(ctx, e.entity);
    return [
      ...draftLandlocked(ctx, e, related),
      ...draftFlagColour(ctx, e),
      ...draftCapitalCheck(ctx, e, related),
      ...draftBorderCheck(ctx, e, related),
    ];
  });
}
