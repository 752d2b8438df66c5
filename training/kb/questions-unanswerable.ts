/**
 * Unanswerable questions: the knowledge base holds nothing that answers them, so the right output is to abstain
 * (`answers: []`, `gold: []`). Four kinds: fictional entities (invented countries and emoji), real emoji held out of
 * the knowledge base (no Twemoji image), real countries whose data lacks the fact (Antarctica has no capital), and
 * image questions that come with an image of nothing in the knowledge base (a brand logo asked about as a flag).
 * Phrasings come from the answerable families; negatives are the items a retriever would plausibly return.
 * @module
 */
import { inventCountryNames, inventEmojiNames } from './fictional-names.js';
import { collectNegatives, mapRole, rankRelatedCountries } from './hard-negatives.js';
import type { EntityRecord } from './kb-records.js';
import { assignSplit, groupBySplit, randomFor, type QuestionContext } from './question-context.js';
import type { QuestionInstance } from './question-instance.js';

/** How many fictional entities to invent per source. */
export const fictionalCounts = { countries: 200, emoji: 300 } as const;

/** Families asked about a fictional country, with the role of the items a retriever would return. */
const countryFamilies: readonly { family: string; role: string }[] = [
  { family: 'capital', role: 'capital' },
  { family: 'currency', role: 'currencies' },
  { family: 'language', role: 'languages' },
  { family: 'location', role: 'location' },
  { family: 'neighbour', role: 'borders' },
  { family: 'flag_colours', role: 'flag' },
  { family: 'landlocked', role: 'landlocked' },
  { family: 'larger', role: 'area' },
];
const emojiFamilies = ['emoji_group', 'emoji_subgroup', 'emoji_colour', 'emoji_group_check'];

/** Share of the pre-training icons asked about as unknown images (about 40 dev and 80 test questions). */
export const unknownImageRate = 0.12;

/** Image-question families asked with an unknown image, with the source and item role a retriever would return. */
const unknownImageFamilies: readonly { family: string; source: 'countries' | 'emoji'; role: string }[] = [
  { family: 'flag_country', source: 'countries', role: 'flag' },
  { family: 'flag_capital', source: 'countries', role: 'flag' },
  { family: 'shape_country', source: 'countries', role: 'shape' },
  { family: 'shape_capital', source: 'countries', role: 'shape' },
  { family: 'emoji_name', source: 'emoji', role: 'emoji' },
  { family: 'emoji_image_group', source: 'emoji', role: 'emoji' },
];

function abstain(base: Omit<QuestionInstance, 'type' | 'answers' | 'match' | 'gold'>): QuestionInstance {
  return { ...base, type: 'unanswerable', answers: [], match: 'abstain', gold: [] };
}

function draftFictionalCountries(ctx: QuestionContext, countries: readonly EntityRecord[]): QuestionInstance[] {
  const real = new Set(countries.flatMap((e) => [e.name, ...(e.facts.capitals ?? [])]).map((n) => n.toLowerCase()));
  const names = inventCountryNames(randomFor(ctx, 'fictional-countries'), real, fictionalCounts.countries);
  const bySplit = groupBySplit(ctx, countries);
  return names.flatMap((name) => {
    const entity = `fictional/country/${name}`;
    const split = assignSplit(ctx.seed, entity);
    const rng = randomFor(ctx, 'fictional', entity);
    const sameSplit = bySplit.get(split) ?? [];
    if (sameSplit.length === 0) return [];
    const partner = rng.pick(sameSplit);
    const decoys = rankRelatedCountries(ctx, partner.entity);
    return rng
      .shuffle(countryFamilies)
      .slice(0, 2)
      .map(({ family, role }) => {
        const isPair = family === 'larger';
        const [a, b] = rng.next() < 0.5 ? [name, partner.name] : [partner.name, name];
        return abstain({
          family,
          variant: '',
          entity,
          entities: isPair ? [entity, partner.entity] : [entity],
          source: 'countries',
          split,
          slots: isPair ? { a, b } : { country: name },
          negatives: collectNegatives([], [mapRole(ctx, [partner.entity, ...decoys], role)]),
        });
      });
  });
}

function draftMissingEmoji(ctx: QuestionContext, emoji: readonly EntityRecord[]): QuestionInstance[] {
  const labels = new Set(emoji.map((e) => e.name.toLowerCase()));
  const fictional = inventEmojiNames(randomFor(ctx, 'fictional-emoji'), labels, fictionalCounts.emoji).map((name) => ({
    entity: `fictional/emoji/${name}`,
    name,
  }));
  const heldOut = ctx.heldOut.filter((h) => h.entity.startsWith('emoji/'));
  const groups = [...new Set(emoji.flatMap((e) => (e.facts.group ? [e.facts.group] : [])))].sort();
  return [...fictional, ...heldOut].flatMap(({ entity, name }) => {
    const split = assignSplit(ctx.seed, entity);
    const rng = randomFor(ctx, 'missing-emoji', entity);
    // Lexical decoys: real emoji sharing a word with the missing name are what a retriever returns first.
    const words = name.split(/\s+/);
    const decoys = rng
      .shuffle(emoji)
      .sort((x, y) => Number(words.some((w) => y.name.includes(w))) - Number(words.some((w) => x.name.includes(w))));
    return rng
      .shuffle(emojiFamilies)
      .slice(0, 2)
      .map((family) =>
        abstain({
          family,
          variant: '',
          entity,
          entities: [entity],
          source: 'emoji',
          split,
          slots: { emoji: name, group: groups.length > 0 ? rng.pick(groups) : 'symbols' },
          negatives: collectNegatives(
            [],
            [
              mapRole(
                ctx,
                decoys.slice(0, 3).map((e) => e.entity),
                family === 'emoji_colour' ? 'emoji' : 'category',
              ),
              mapRole(
                ctx,
                decoys.map((e) => e.entity),
                'category',
              ),
            ],
          ),
        }),
      );
  });
}

function draftMissingFacts(ctx: QuestionContext, countries: readonly EntityRecord[]): QuestionInstance[] {
  const gaps: readonly { family: string; role: string; isMissing: (e: EntityRecord) => boolean }[] = [
    { family: 'capital', role: 'capital', isMissing: (e) => (e.facts.capitals ?? []).length === 0 },
    { family: 'currency', role: 'currencies', isMissing: (e) => (e.facts.currencies ?? []).length === 0 },
    { family: 'language', role: 'languages', isMissing: (e) => (e.facts.languages ?? []).length === 0 },
  ];
  return countries.flatMap((e) =>
    gaps
      .filter((gap) => gap.isMissing(e))
      .map((gap) =>
        abstain({
          family: gap.family,
          variant: 'missing',
          entity: e.entity,
          entities: [e.entity],
          source: 'countries',
          split: assignSplit(ctx.seed, e.entity),
          slots: { country: e.name },
          negatives: collectNegatives(
            [],
            [mapRole(ctx, [e.entity], 'location'), mapRole(ctx, rankRelatedCountries(ctx, e.entity), gap.role)],
          ),
        }),
      ),
  );
}

/**
 * A question that comes with an image the knowledge base holds nothing about: a user's photo of something else. The
 * images are the pre-training icons, which are never knowledge items (pre-training sees their captions, as it sees
 * the images of test entities; no question about them is trained on outside the train split).
 */
function draftUnknownImages(
  ctx: QuestionContext,
  bySource: Readonly<Record<'countries' | 'emoji', readonly EntityRecord[]>>,
): QuestionInstance[] {
  return ctx.unknownImages.flatMap(({ key, image }) => {
    const rng = randomFor(ctx, 'unknown-image', key);
    if (rng.next() >= unknownImageRate) return [];
    const { family, source, role } = rng.pick(unknownImageFamilies);
    const candidates = bySource[source];
    if (candidates.length === 0) return [];
    const decoys = rng.shuffle(candidates).map((e) => e.entity);
    return [
      abstain({
        family,
        variant: 'unknown-image',
        entity: key,
        entities: [key],
        source,
        split: assignSplit(ctx.seed, key),
        slots: {},
        image,
        negatives: collectNegatives([], [mapRole(ctx, decoys, role)]),
      }),
    ];
  });
}

/** All unanswerable instances. */
export function draftUnanswerableQuestions(ctx: QuestionContext): QuestionInstance[] {
  const countries = ctx.entities.filter((e) => e.source === 'countries');
  const emoji = ctx.entities.filter((e) => e.source === 'emoji');
  return [
    ...(countries.length > 0 ? draftFictionalCountries(ctx, countries) : []),
    ...(emoji.length > 0 ? draftMissingEmoji(ctx, emoji) : []),
    ...draftMissingFacts(ctx, countries),
    ...draftUnknownImages(ctx, { countries, emoji }),
  ];
}
