/**
 * The headline numbers of one evaluation setting (the full pipeline, an ablation, a distractor count), all computed
 * from the same outcomes by the metric functions.
 * @module
 */
import { summariseAccuracy } from './answer-metrics.js';
import { summariseAbstention, summariseRelevance } from './askg-metrics.js';
import type { QuestionOutcome } from './question-outcome.js';

/** One setting's answer, relevance and abstention metrics. */
export interface SettingSummary {
  readonly questions: number;
  readonly accuracy: number | null;
  readonly exact_match: number | null;
  readonly accuracy_by_type: Readonly<Record<string, number | null>>;
  readonly relevance_accuracy: number | null;
  readonly abstain_precision: number | null;
  readonly abstain_recall: number | null;
  readonly abstain_f1: number | null;
  /** Model calls that failed (counted as wrong answers). */
  readonly errors: number;
}

/** Summarises the outcomes of one setting. */
export function summariseSetting(outcomes: readonly QuestionOutcome[]): SettingSummary {
  const accuracy = summariseAccuracy(outcomes);
  const abstention = summariseAbstention(outcomes);
  return {
    questions: outcomes.length,
    accuracy: accuracy.overall.accuracy,
    exact_match: accuracy.overall.exact_match,
    accuracy_by_type: Object.fromEntries(Object.entries(accuracy.by_type).map(([type, s]) => [type, s.accuracy])),
    relevance_accuracy: summariseRelevance(outcomes).relevance_accuracy,
    abstain_precision: abstention.abstain_precision,
    abstain_recall: abstention.abstain_recall,
    abstain_f1: abstention.abstain_f1,
    errors: outcomes.filter((o) => o.error !== undefined).length,
  };
}
