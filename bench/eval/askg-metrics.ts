/**
 * Metrics of the ASKG judgements (RA-BLIP §3.4): relevance accuracy, and abstention as a binary classifier.
 * - Relevance accuracy: over every (question, reference shown in the prompt) pair, the model's judgement (named in
 *   `relevant:` or not) against the truth (the reference is one of the question's gold items).
 * - Abstention: positive class = the model abstained, truth = the question is unanswerable. Precision, recall, F1.
 * @module
 */
import type { QuestionOutcome } from './question-outcome.js';

/**
 * Relevance judgements over (question, reference) pairs; null when no question had gold and references. Precision
 * and recall of the "relevant" judgements show what accuracy hides when most references are not gold (a model that
 * names nothing still scores the share of non-gold pairs).
 */
export interface RelevanceSummary {
  readonly pairs: number;
  readonly relevance_accuracy: number | null;
  /** Named references that are gold. */
  readonly relevance_precision: number | null;
  /** Gold references shown in the prompt that were named. */
  readonly relevance_recall: number | null;
}

/** Abstention metrics; a ratio is null when its denominator is 0. */
export interface AbstainSummary {
  readonly abstained: number;
  readonly unanswerable: number;
  readonly abstain_precision: number | null;
  readonly abstain_recall: number | null;
  readonly abstain_f1: number | null;
  /** Recall over the unanswerable questions that came with an image (a picture of nothing in the knowledge base). */
  readonly abstain_recall_with_image: number | null;
}

/**
 * Relevance accuracy of the outcomes whose questions carry gold (a `--questions` file has none). A failed model call
 * named nothing, so each of its references counts as judged irrelevant.
 */
export function summariseRelevance(outcomes: readonly QuestionOutcome[]): RelevanceSummary {
  let pairs = 0;
  let agreed = 0;
  let namedPairs = 0;
  let goldPairs = 0;
  let namedGold = 0;
  for (const outcome of outcomes) {
    if (outcome.question.gold === undefined) continue;
    const gold = new Set(outcome.question.gold);
    const named = new Set(outcome.relevant);
    for (const id of outcome.references) {
      pairs += 1;
      if (named.has(id) === gold.has(id)) agreed += 1;
      if (named.has(id)) namedPairs += 1;
      if (gold.has(id)) goldPairs += 1;
      if (named.has(id) && gold.has(id)) namedGold += 1;
    }
  }
  return {
    pairs,
    relevance_accuracy: pairs === 0 ? null : agreed / pairs,
    relevance_precision: namedPairs === 0 ? null : namedGold / namedPairs,
    relevance_recall: goldPairs === 0 ? null : namedGold / goldPairs,
  };
}

/** Abstain precision, recall and F1 = 2TP / (abstained + unanswerable) (positive = abstained; truth = unanswerable). */
export function summariseAbstention(outcomes: readonly QuestionOutcome[]): AbstainSummary {
  const abstainedBy = (o: QuestionOutcome) => o.error === undefined && o.abstained;
  const abstained = outcomes.filter(abstainedBy).length;
  const unanswerable = outcomes.filter((o) => o.question.isUnanswerable).length;
  const truePositives = outcomes.filter((o) => abstainedBy(o) && o.question.isUnanswerable).length;
  const precision = abstained === 0 ? null : truePositives / abstained;
  const recall = unanswerable === 0 ? null : truePositives / unanswerable;
  // No unanswerable question: F1 is undefined. No abstention at all (or none right) while some exist: F1 is 0.
  const f1 = recall === null ? null : truePositives === 0 ? 0 : (2 * truePositives) / (abstained + unanswerable);
  const withImage = outcomes.filter((o) => o.question.isUnanswerable && o.question.imagePath !== undefined);
  const withImageRecall = withImage.length === 0 ? null : withImage.filter(abstainedBy).length / withImage.length;
  return {
    abstained,
    unanswerable,
    abstain_precision: precision,
    abstain_recall: recall,
    abstain_f1: f1,
    abstain_recall_with_image: withImageRecall,
  };
}
