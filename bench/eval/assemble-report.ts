/**
 * Builds the result object from a run's retrieval, outcomes and ablations: every metric comes from the metric
 * functions over the model's outcomes.
 * @module
 */
import { compareTypes, summariseAccuracy } from './answer-metrics.js';
import { summariseAbstention, summariseRelevance } from './askg-metrics.js';
import type { EvalOptions } from './eval-options.js';
import type { BundleInfo } from './eval-pipeline.js';
import type { EvalQuestion } from './eval-question.js';
import type { EvalReport } from './eval-report.js';
import { checkTargets } from './eval-targets.js';
import { BATCH_SIZE, MAX_NEW_TOKENS, REFERENCES, TOP_K } from './pipeline-settings.js';
import type { QuestionOutcome } from './question-outcome.js';
import { recallAtK, summariseRetrieval } from './retrieval-metrics.js';
import type { RetrievedQuestion } from './retrieve-questions.js';
import type { AblationsReport } from './run-ablations.js';

/** What one run produced. `outcomes` are aligned with `retrieved`. */
export interface ReportInput {
  readonly options: EvalOptions;
  readonly knowledgeItems: number;
  readonly bundle: BundleInfo;
  readonly retrieved: readonly RetrievedQuestion[];
  readonly outcomes: readonly QuestionOutcome[];
  readonly ablations: AblationsReport | null;
  readonly timings: Readonly<Record<string, number>>;
  readonly seconds: number;
}

function countByType(questions: readonly EvalQuestion[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const q of questions) counts.set(q.type, (counts.get(q.type) ?? 0) + 1);
  return Object.fromEntries([...counts.entries()].sort(([a], [b]) => compareTypes(a, b)));
}

function recallByType(retrieved: readonly RetrievedQuestion[]): Record<string, number | null> {
  const types = Object.keys(countByType(retrieved.map((r) => r.question)));
  return Object.fromEntries(
    types.map((type) => {
      const scored = retrieved.filter((r) => r.question.type === type && (r.question.gold?.length ?? 0) > 0);
      const sum = scored.reduce((s, r) => s + recallAtK(r.ranked, r.question.gold!, 5), 0);
      return [type, scored.length === 0 ? null : sum / scored.length];
    }),
  );
}

/** The result object of a run. */
export function assembleReport(input: ReportInput): EvalReport {
  const retrieval = summariseRetrieval(
    input.retrieved.flatMap((r) => (r.question.gold ? [{ ranked: r.ranked, gold: r.question.gold }] : [])),
  );
  const accuracy = summariseAccuracy(input.outcomes);
  const abstention = summariseAbstention(input.outcomes);
  const relevance = summariseRelevance(input.outcomes);
  const pick = (key: 'accuracy' | 'exact_match') =>
    Object.fromEntries(Object.entries(accuracy.by_type).map(([t, s]) => [t, s[key]]));
  return {
    split: input.options.split,
    questions_file: input.options.questionsFile ?? null,
    bundle: input.bundle,
    kb: input.options.kb,
    counts: {
      questions: input.retrieved.length,
      with_gold: retrieval.questions,
      unanswerable: abstention.unanswerable,
      by_type: countByType(input.retrieved.map((r) => r.question)),
      knowledge_items: input.knowledgeItems,
      ablation_questions: input.ablations?.questions ?? 0,
      errors: input.outcomes.filter((o) => o.error !== undefined).length,
    },
    recall_at_1: retrieval.recall_at_1,
    recall_at_5: retrieval.recall_at_5,
    mrr: retrieval.mrr,
    recall_at_5_by_type: recallByType(input.retrieved),
    accuracy: accuracy.overall.accuracy,
    exact_match: accuracy.overall.exact_match,
    accuracy_by_type: pick('accuracy'),
    exact_match_by_type: pick('exact_match'),
    accuracy_by_phrasing: accuracy.by_phrasing,
    accuracy_by_type_and_phrasing: accuracy.by_type_and_phrasing,
    accuracy_by_held_out_phrasing: accuracy.by_held_out_template,
    relevance_accuracy: relevance.relevance_accuracy,
    relevance_precision: relevance.relevance_precision,
    relevance_recall: relevance.relevance_recall,
    abstain_precision: abstention.abstain_precision,
    abstain_recall: abstention.abstain_recall,
    abstain_f1: abstention.abstain_f1,
    abstain_recall_with_image: abstention.abstain_recall_with_image,
    ablations: input.ablations,
    targets: checkTargets({
      recall_at_5: retrieval.recall_at_5,
      accuracy: accuracy.overall.accuracy,
      relevance_accuracy: relevance.relevance_accuracy,
      abstain_f1: abstention.abstain_f1,
      askg_drop_at_4_points: input.ablations?.distractors.askg.drop_at_4_points ?? null,
      no_askg_drop_at_4_points: input.ablations?.distractors.no_askg?.drop_at_4_points ?? null,
      closed_book_accuracy: input.ablations?.closed_book.accuracy ?? null,
      subset_accuracy: input.ablations?.full_pipeline.accuracy ?? null,
    }),
    settings: {
      top_k: TOP_K,
      references: REFERENCES,
      visual_link_threshold: input.options.visualLinkThreshold,
      max_new_tokens: MAX_NEW_TOKENS,
      batch_size: BATCH_SIZE,
      limit: input.options.limit ?? null,
      ablation_limit: input.options.isAblating ? (input.options.ablationLimit ?? null) : null,
      seed: input.options.seed,
    },
    seconds: input.seconds,
    timings_s: input.timings,
    date: new Date().toISOString(),
  };
}
