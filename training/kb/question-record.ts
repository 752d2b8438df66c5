/**
 * The benchmark question record (`questions/{train,dev,test}.jsonl`), WebQA-style: a question, short answers the
 * generator can copy, the knowledge ids that answer it (gold) and hard negatives. `match` names the accuracy rule
 * ({@link scoreAnswer} in answer-accuracy.ts, documented in docs/data.md).
 * @module
 */
import { z } from 'zod';

export const questionTypeSchema = z.enum([
  'text_fact',
  'image_attribute',
  'image_question',
  'comparison',
  'yes_no',
  'unanswerable',
]);
export type QuestionType = z.infer<typeof questionTypeSchema>;

export const splitSchema = z.enum(['train', 'dev', 'test']);
export type Split = z.infer<typeof splitSchema>;

/**
 * How a prediction is scored:
 * - `contains_any`: the normalised prediction contains one of `answers` as whole words;
 * - `colour_set`: the colour words in the prediction are exactly `keywords` (every gold colour, no other colour);
 * - `yes_no`: the first "yes" or "no" in the prediction equals `answers[0]`;
 * - `choice`: the prediction contains `answers[0]` and none of the other `options`;
 * - `abstain`: the model abstained (`answers` is empty).
 */
export const matchRuleSchema = z.enum(['contains_any', 'colour_set', 'yes_no', 'choice', 'abstain']);
export type MatchRule = z.infer<typeof matchRuleSchema>;

export const questionRecordSchema = z
  .object({
    qid: z.string().regex(/^q[0-9a-f]{12}$/),
    type: questionTypeSchema,
    /** Template family, e.g. `capital`, `flag_colours`. */
    family: z.string(),
    template_id: z.string(),
    /** True when the phrasing never appears in train. */
    held_out: z.boolean(),
    question: z.string(),
    /** Acceptable answers; the first is canonical (the training target). Empty for unanswerable questions. */
    answers: z.array(z.string()),
    match: matchRuleSchema,
    /** Required words of `colour_set` questions. */
    keywords: z.array(z.string()).optional(),
    /** Both candidates of a `choice` question. */
    options: z.array(z.string()).optional(),
    /** Image that comes with the question, relative to the knowledge-base folder. */
    image: z.string().optional(),
    gold: z.array(z.string()),
    negatives: z.array(z.string()),
    split: splitSchema,
    /** Main entity key; fictional entities are `fictional/<name>`. */
    entity: z.string(),
    /** Every entity the question names. */
    entities: z.array(z.string()),
    source: z.enum(['countries', 'emoji']),
  })
  .strict();
export type QuestionRecord = z.infer<typeof questionRecordSchema>;
