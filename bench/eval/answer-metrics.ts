/**
 * WebQA-style keyword accuracy and exact match, overall and per question type. Each answer is scored by the
 * benchmark's own rule (`scoreAnswer`, training/kb/answer-accuracy.ts; docs/data.md "Accuracy rule"): `yes_no`,
 * `colour_set`, `choice`, `contains_any`, and `abstain` (an unanswerable question is right only when the model
 * abstains; an answerable one is wrong when it does).
 * @module
 */
import { scoreAnswer, type AnswerScore } from '../../training/kb/index.js';
import type { Phrasing } from './eval-question.js';
import type { QuestionOutcome } from './question-outcome.js';

/** Accuracy and exact match over a group of questions; null for an empty group. */
export interface AccuracySummary {
  readonly questions: number;
  readonly accuracy: number | null;
  readonly exact_match: number | null;
}

/** Accuracy of the questions in trained phrasings and in held-out ones (a group without questions is left out). */
export type PhrasingSummary = Readonly<Partial<Record<Phrasing, AccuracySummary>>>;

/** Below this accuracy a held-out phrasing counts as one the model hardly reads. */
export const POORLY_READ = 0.5;

/** The held-out phrasings below {@link POORLY_READ}, in the order given (worst first in a report). */
export function poorlyRead(templates: readonly TemplateSummary[]): TemplateSummary[] {
  return templates.filter((t) => t.accuracy! < POORLY_READ);
}

/** Accuracy of one held-out phrasing, with one of its questions to show what it reads like. */
export interface TemplateSummary extends AccuracySummary {
  readonly template_id: string;
  /** The question types written from it: a template can ask about a fact some entities lack (`unanswerable`). */
  readonly types: readonly string[];
  readonly example: string;
}

/**
 * Overall and per-type accuracy. `by_type` lists benchmark types in their schema order, then any others. The
 * phrasing splits are empty for a `--questions` file, whose questions have no phrasing.
 */
export interface AccuracyReport {
  readonly overall: AccuracySummary;
  readonly by_type: Readonly<Record<string, AccuracySummary>>;
  readonly by_phrasing: PhrasingSummary;
  readonly by_type_and_phrasing: Readonly<Record<string, PhrasingSummary>>;
  /**
   * Each held-out phrasing, worst first: a small generator reads a phrasing it never trained on either well or hardly
   * at all, so the held-out average hides which wordings fail (`docs/model-card.md`).
   */
  readonly by_held_out_template: readonly TemplateSummary[];
}

const PHRASING_ORDER: readonly Phrasing[] = ['seen', 'held_out'];

/** The order types are listed in (questionTypeSchema's order; `custom` for `--questions` files). */
export const TYPE_ORDER = [
  'text_fact',
  'image_attribute',
  'image_question',
  'comparison',
  'yes_no',
  'unanswerable',
  'custom',
] as const;

/** Scores one outcome; a failed model call is neither correct nor an exact match. */
export function scoreOutcome(outcome: QuestionOutcome): AnswerScore {
  if (outcome.error !== undefined) return { isCorrect: false, isExactMatch: false };
  return scoreAnswer(outcome.question.key, { answer: outcome.answer, abstained: outcome.abstained });
}

function summarise(outcomes: readonly QuestionOutcome[]): AccuracySummary {
  if (outcomes.length === 0) return { questions: 0, accuracy: null, exact_match: null };
  const scores = outcomes.map(scoreOutcome);
  return {
    questions: outcomes.length,
    accuracy: scores.filter((s) => s.isCorrect).length / outcomes.length,
    exact_match: scores.filter((s) => s.isExactMatch).length / outcomes.length,
  };
}

function typeRank(type: string): number {
  const at = (TYPE_ORDER as readonly string[]).indexOf(type);
  return at < 0 ? TYPE_ORDER.length : at;
}

/** Sort order of question types: {@link TYPE_ORDER}, then any other type by name. */
export function compareTypes(a: string, b: string): number {
  return typeRank(a) - typeRank(b) || a.localeCompare(b);
}

function groupBy<K>(outcomes: readonly QuestionOutcome[], keyOf: (o: QuestionOutcome) => K): Map<K, QuestionOutcome[]> {
  const groups = new Map<K, QuestionOutcome[]>();
  for (const outcome of outcomes) {
    const key = keyOf(outcome);
    const group = groups.get(key) ?? [];
    group.push(outcome);
    groups.set(key, group);
  }
  return groups;
}

function summariseByPhrasing(outcomes: readonly QuestionOutcome[]): PhrasingSummary {
  const groups = groupBy(outcomes, (o) => o.question.phrasing);
  return Object.fromEntries(PHRASING_ORDER.filter((p) => groups.has(p)).map((p) => [p, summarise(groups.get(p)!)]));
}

function summariseHeldOutTemplates(outcomes: readonly QuestionOutcome[]): TemplateSummary[] {
  const heldOut = outcomes.filter((o) => o.question.phrasing === 'held_out' && o.question.templateId !== undefined);
  const groups = groupBy(heldOut, (o) => o.question.templateId!);
  return [...groups.entries()]
    .map(([templateId, group]) => ({
      template_id: templateId,
      types: [...new Set(group.map((o) => o.question.type))].sort(compareTypes),
      example: group[0]!.question.question,
      ...summarise(group),
    }))
    .sort(
      (a, b) => a.accuracy! - b.accuracy! || b.questions - a.questions || a.template_id.localeCompare(b.template_id),
    );
}

/** Accuracy and exact match overall, per question type, split by seen and held-out phrasings, and per held-out one. */
export function summariseAccuracy(outcomes: readonly QuestionOutcome[]): AccuracyReport {
  const groups = groupBy(outcomes, (o) => o.question.type);
  const types = [...groups.keys()].sort(compareTypes);
  return {
    overall: summarise(outcomes),
    by_type: Object.fromEntries(types.map((type) => [type, summarise(groups.get(type)!)])),
    by_phrasing: summariseByPhrasing(outcomes),
    by_type_and_phrasing: Object.fromEntries(types.map((type) => [type, summariseByPhrasing(groups.get(type)!)])),
    by_held_out_template: summariseHeldOutTemplates(outcomes),
  };
}
