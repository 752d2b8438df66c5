/**
 * Questions only an image answers. Image-attribute questions name the entity and ask what its image shows (colours
 * measured from the pixels, attributes.jsonl); an emoji whose label or tags name a colour is not asked about. Image questions come with the image and ask who it is, or a fact of
 * whoever it is (two hops: image item, then text item). Images with a look-alike are never shown.
 * @module
 */
import { normaliseAnswer } from './answer-accuracy.js';
import { colourNames } from './colour-names.js';
import { joinEnglishList } from './english-list.js';
import {
  collectNegatives,
  mapRole,
  rankRelatedCountries,
  rankRelatedEmoji,
  rankSimilarFlags,
} from './hard-negatives.js';
import type { EntityRecord } from './kb-records.js';
import { assignSplit, findItemId, type QuestionContext } from './question-context.js';
import type { QuestionInstance } from './question-instance.js';

/** A colour is "the main colour" when it covers this share and this multiple of the runner-up. */
const dominance = { minShare: 0.4, minRatio: 1.5 } as const;

function baseOf(
  ctx: QuestionContext,
  e: EntityRecord,
): Pick<QuestionInstance, 'entity' | 'entities' | 'source' | 'split'> {
  return { entity: e.entity, entities: [e.entity], source: e.source, split: assignSplit(ctx.seed, e.entity) };
}

function findDominantColour(shares: Readonly<Record<string, number>>): string | undefined {
  const [first, second] = Object.entries(shares).sort((x, y) => y[1] - x[1]);
  if (!first || first[1] < dominance.minShare) return undefined;
  return !second || first[1] >= dominance.minRatio * second[1] ? first[0] : undefined;
}

/** Whether text names a colour: then a colour question would be answerable without the image ("red apple"). */
function mentionsColour(text: string): boolean {
  const words = normaliseAnswer(text).split(' ');
  return words.some((w) => (colourNames as readonly string[]).includes(w) || w === 'gold' || w === 'golden');
}

function draftFlagAttributes(ctx: QuestionContext, e: EntityRecord): QuestionInstance[] {
  const flagId = findItemId(ctx, e.entity, 'flag');
  const attributes = flagId ? ctx.attributesById.get(flagId) : undefined;
  if (!flagId || !attributes || attributes.colours.length === 0) return [];
  const similar = rankSimilarFlags(ctx, e.entity);
  const negatives = collectNegatives(
    [flagId],
    [mapRole(ctx, similar, 'flag').slice(0, 5), mapRole(ctx, [e.entity], 'shape'), mapRole(ctx, similar, 'flag')],
  );
  const base = {
    ...baseOf(ctx, e),
    variant: '',
    slots: { country: e.name },
    match: 'colour_set' as const,
    gold: [flagId],
    negatives,
  };
  const drafts: QuestionInstance[] = [
    { ...base, family: 'flag_colours', answers: [joinEnglishList(attributes.colours)], keywords: attributes.colours },
  ];
  const dominant = findDominantColour(attributes.shares);
  if (dominant) drafts.push({ ...base, family: 'flag_main_colour', answers: [dominant], keywords: [dominant] });
  return drafts;
}

function draftFlagAndShapeQuestions(ctx: QuestionContext, e: EntityRecord): QuestionInstance[] {
  const drafts: QuestionInstance[] = [];
  const capitalId = findItemId(ctx, e.entity, 'capital');
  const capitals = e.facts.capitals ?? [];
  const related = rankRelatedCountries(ctx, e.entity);
  for (const kind of ['flag', 'shape'] as const) {
    const imageId = findItemId(ctx, e.entity, kind);
    const image = imageId ? ctx.knowledgeById.get(imageId)?.image : undefined;
    if (!imageId || !image || ctx.ambiguousImages.has(imageId)) continue;
    const lookalikes = kind === 'flag' ? rankSimilarFlags(ctx, e.entity) : related;
    const base = { ...baseOf(ctx, e), variant: '', slots: {}, image, match: 'contains_any' as const };
    drafts.push({
      ...base,
      family: `${kind}_country`,
      answers: [e.name],
      gold: [imageId],
      negatives: collectNegatives([imageId], [mapRole(ctx, lookalikes, kind)]),
    });
    if (capitalId && capitals.length > 0) {
      const gold = [imageId, capitalId];
      drafts.push({
        ...base,
        family: `${kind}_capital`,
        answers: capitals,
        gold,
        negatives: collectNegatives(gold, [
          mapRole(ctx, lookalikes.slice(0, 3), kind),
          mapRole(ctx, lookalikes.slice(0, 3), 'capital'),
          mapRole(ctx, related, 'capital'),
        ]),
      });
    }
  }
  return drafts;
}

function draftEmojiImageQuestions(ctx: QuestionContext, e: EntityRecord): QuestionInstance[] {
  const emojiId = findItemId(ctx, e.entity, 'emoji');
  const categoryId = findItemId(ctx, e.entity, 'category');
  const image = emojiId ? ctx.knowledgeById.get(emojiId)?.image : undefined;
  if (!emojiId || !image) return [];
  const related = rankRelatedEmoji(ctx, e.entity);
  const base = { ...baseOf(ctx, e), variant: '', slots: { emoji: e.name } };
  const drafts: QuestionInstance[] = [];
  const dominant = findDominantColour(ctx.attributesById.get(emojiId)?.shares ?? {});
  const categoryText = categoryId ? (ctx.knowledgeById.get(categoryId)?.text ?? '') : '';
  if (dominant && !mentionsColour(`${e.name} ${categoryText}`)) {
    drafts.push({
      ...base,
      family: 'emoji_colour',
      answers: [dominant],
      match: 'colour_set',
      keywords: [dominant],
      gold: [emojiId],
      negatives: collectNegatives([emojiId], [mapRole(ctx, related, 'emoji').slice(0, 5), [categoryId]]),
    });
  }
  if (ctx.ambiguousImages.has(emojiId)) return drafts;
  const shown = { ...base, slots: {}, image, match: 'contains_any' as const };
  drafts.push({
    ...shown,
    family: 'emoji_name',
    answers: [e.name],
    gold: [emojiId],
    negatives: collectNegatives([emojiId], [mapRole(ctx, related, 'emoji')]),
  });
  if (categoryId && e.facts.group) {
    const gold = [emojiId, categoryId];
    drafts.push({
      ...shown,
      family: 'emoji_image_group',
      answers: [e.facts.group],
      gold,
      negatives: collectNegatives(gold, [
        mapRole(ctx, related.slice(0, 3), 'emoji'),
        mapRole(ctx, related, 'category'),
      ]),
    });
  }
  return drafts;
}

/** All image-attribute and image-question instances of the knowledge base. */
export function draftImageQuestions(ctx: QuestionContext): QuestionInstance[] {
  return ctx.entities.flatMap((e) =>
    e.source === 'countries'
      ? [...draftFlagAttributes(ctx, e), ...draftFlagAndShapeQuestions(ctx, e)]
      : draftEmojiImageQuestions(ctx, e),
  );
}
