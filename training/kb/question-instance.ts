/**
 * A question instance is one thing to ask (a family, its entities, slot values, answers, gold and negatives) before
 * it is phrased. {@link phraseInstance} turns it into question records: several training phrasings for train
 * entities, one phrasing (often a held-out one) for dev and test entities.
 * @module
 */
import { hashSha256 } from './content-id.js';
import { writeCountryInProse } from './country-prose-name.js';
import { randomFor, type QuestionContext } from './question-context.js';
import {
  questionRecordSchema,
  type MatchRule,
  type QuestionRecord,
  type QuestionType,
  type Split,
} from './question-record.js';
import { fillTemplate, getTemplateFamily, type QuestionTemplate } from './question-templates.js';

/** One thing to ask, before phrasing. */
export interface QuestionInstance {
  readonly family: string;
  /** Overrides the family's type: unanswerable instances reuse answerable families' phrasings. */
  readonly type?: QuestionType;
  /** Distinguishes instances of one family about the same entities (the colour asked about, the other city). */
  readonly variant: string;
  readonly entity: string;
  readonly entities: readonly string[];
  readonly source: 'countries' | 'emoji';
  readonly split: Split;
  readonly slots: Readonly<Record<string, string>>;
  readonly answers: readonly string[];
  readonly match: MatchRule;
  readonly keywords?: readonly string[];
  readonly options?: readonly string[];
  readonly image?: string;
  readonly gold: readonly string[];
  readonly negatives: readonly string[];
}

/** How many phrasings each instance gets. */
export interface PhrasingPolicy {
  /** Distinct training phrasings per train instance. @default 2 */
  readonly trainPhrasings?: number;
  /** Probability that a dev or test instance uses a held-out phrasing (when its family has one). @default 0.5 */
  readonly heldOutRate?: number;
}

function chooseTemplates(ctx: QuestionContext, instance: QuestionInstance, policy: PhrasingPolicy): QuestionTemplate[] {
  const { trainPhrasings = 2, heldOutRate = 0.5 } = policy;
  const templates = getTemplateFamily(instance.family).templates;
  const rng = randomFor(ctx, 'phrasing', instance.family, instance.variant, ...instance.entities);
  const seen = templates.filter((t) => !t.isHeldOut);
  if (instance.split === 'train') return rng.shuffle(seen).slice(0, trainPhrasings);
  const heldOut = templates.filter((t) => t.isHeldOut);
  const useHeldOut = heldOut.length > 0 && rng.next() < heldOutRate;
  return [rng.pick(useHeldOut ? heldOut : seen)];
}

/** Slots that hold country names, written in prose form inside questions ("the Philippines"). */
const countrySlots = new Set(['country', 'a', 'b', 'other']);

function writeSlots(instance: QuestionInstance): Record<string, string> {
  if (instance.source !== 'countries') return { ...instance.slots };
  return Object.fromEntries(
    Object.entries(instance.slots).map(([name, value]) => [
      name,
      countrySlots.has(name) ? writeCountryInProse(value) : value,
    ]),
  );
}

/** Phrases an instance into validated question records. */
export function phraseInstance(
  ctx: QuestionContext,
  instance: QuestionInstance,
  policy: PhrasingPolicy = {},
): QuestionRecord[] {
  const family = getTemplateFamily(instance.family);
  const slots = writeSlots(instance);
  return chooseTemplates(ctx, instance, policy).map((template) => {
    const question = fillTemplate(template.text, slots);
    const qid =
      'q' +
      hashSha256([template.id, question, instance.image ?? '', instance.entities.join(',')].join('\n')).slice(0, 12);
    return questionRecordSchema.parse({
      qid,
      type: instance.type ?? family.type,
      family: family.family,
      template_id: template.id,
      held_out: template.isHeldOut,
      question,
      answers: [...instance.answers],
      match: instance.match,
      keywords: instance.keywords ? [...instance.keywords] : undefined,
      options: instance.options ? [...instance.options] : undefined,
      image: instance.image,
      gold: [...instance.gold],
      negatives: [...instance.negatives],
      split: instance.split,
      entity: instance.entity,
      entities: [...instance.entities],
      source: instance.source,
    });
  });
}
