/**
 * The one JSON object `npm run eval -- --json` prints (documented in docs/benchmark.md, "Metric definitions").
 * @module
 */
import type { Split } from '../../training/kb/index.js';
import type { PhrasingSummary, TemplateSummary } from './answer-metrics.js';
import type { BundleInfo } from './eval-pipeline.js';
import type { TargetCheck } from './eval-targets.js';
import type { AblationsReport } from './run-ablations.js';

/** Question counts of the run. */
export interface EvalCounts {
  readonly questions: number;
  readonly with_gold: number;
  readonly unanswerable: number;
  readonly by_type: Readonly<Record<string, number>>;
  readonly knowledge_items: number;
  readonly ablation_questions: number;
  /** Main-run model calls that failed (counted as wrong). */
  readonly errors: number;
}

/** Fixed settings of the pipeline under test. */
export interface EvalSettings {
  readonly top_k: number;
  readonly references: number;
  /** Least visual-key similarity that links a question image to a stored image item. */
  readonly visual_link_threshold: number;
  readonly max_new_tokens: number;
  readonly batch_size: number;
  readonly limit: number | null;
  readonly ablation_limit: number | null;
  readonly seed: string;
}

/** The evaluation result. Ratios are in [0, 1]; drops are in points; null means "not measurable in this run". */
export interface EvalReport {
  readonly split: Split | null;
  readonly questions_file: string | null;
  readonly bundle: BundleInfo;
  readonly kb: string;
  readonly counts: EvalCounts;
  readonly recall_at_1: number | null;
  readonly recall_at_5: number | null;
  readonly mrr: number | null;
  readonly recall_at_5_by_type: Readonly<Record<string, number | null>>;
  readonly accuracy: number | null;
  readonly exact_match: number | null;
  readonly accuracy_by_type: Readonly<Record<string, number | null>>;
  readonly exact_match_by_type: Readonly<Record<string, number | null>>;
  /** Accuracy of questions in phrasings trained on and in held-out ones (benchmark splits; empty for a file). */
  readonly accuracy_by_phrasing: PhrasingSummary;
  readonly accuracy_by_type_and_phrasing: Readonly<Record<string, PhrasingSummary>>;
  /** Each held-out phrasing's accuracy, worst first (benchmark splits; empty for a file). */
  readonly accuracy_by_held_out_phrasing: readonly TemplateSummary[];
  readonly relevance_accuracy: number | null;
  readonly relevance_precision: number | null;
  readonly relevance_recall: number | null;
  readonly abstain_precision: number | null;
  readonly abstain_recall: number | null;
  readonly abstain_f1: number | null;
  /** Abstain recall over unanswerable questions that come with an image of nothing in the knowledge base. */
  readonly abstain_recall_with_image: number | null;
  readonly ablations: AblationsReport | null;
  readonly targets: readonly TargetCheck[];
  readonly settings: EvalSettings;
  /** Wall-clock seconds of the whole run, and of its parts. */
  readonly seconds: number;
  readonly timings_s: Readonly<Record<string, number>>;
  /** ISO date of the run. */
  readonly date: string;
}

/** The report as JSON, ratios rounded to 4 decimals. */
export function formatReportJson(report: EvalReport): string {
  const rounded = (_key: string, value: unknown): unknown =>
    typeof value === 'number' && !Number.isInteger(value) ? Math.round(value * 1e4) / 1e4 : value;
  return JSON.stringify(report, rounded, 2);
}
