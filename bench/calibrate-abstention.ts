/**
 * `npx tsx bench/calibrate-abstention.ts [--bundle DIR] [--biases=-8,-7,-6,-5,-4,-3,-2,0,2,4] [--write]`
 *
 * Calibrates when the ASKG generator abstains. ASKG abstains with one token (`none` right after `relevant:`), so a
 * bias on that token's logit moves the threshold without retraining. There are two thresholds: one for every
 * question, and one for a question whose image visual entity linking matched to no stored image (the entity it shows
 * is unknown to the index, `askg.abstainLogitBiasUnlinkedImage`). This runs the **dev** split (the test split is never
 * used to choose them) once per bias, through the same pipeline as `npm run eval`, and scores every pair (general
 * bias, unlinked-image bias ≥ it) from those runs' per-question outcomes, since each question sees one of the two. It
 * prints one JSON object with a row per pair and picks the pair with the best abstain F1 among those whose accuracy
 * is within `ACCURACY_SLACK` of the best (of equal F1, the unlinked bias nearest the general one, then the general
 * one nearest 0). `--write` stores both in the bundle's `manifest.json`.
 * @module
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { summariseAccuracy } from './eval/answer-metrics.js';
import { summariseAbstention, summariseRelevance } from './eval/askg-metrics.js';
import { parseEvalArgs } from './eval/eval-options.js';
import type { QuestionOutcome } from './eval/question-outcome.js';
import { isUnlinkedQuestionImage } from './eval/retrieve-questions.js';
import { runEvaluationWithOutcomes } from './eval/run-evaluation.js';

/** Accuracy (a ratio) that the chosen pair may give up against the most accurate one. */
const ACCURACY_SLACK = 0.005;

/** Dev metrics of one pair of biases. */
export interface BiasRow {
  readonly bias: number;
  /** The bias of questions whose image linked to no stored image. */
  readonly bias_unlinked_image: number;
  readonly accuracy: number;
  readonly relevance_accuracy: number;
  /** null when the model abstained on nothing at these biases. */
  readonly abstain_precision: number | null;
  readonly abstain_recall: number;
  readonly abstain_f1: number;
  /** Recall over unanswerable questions that come with an image of nothing known. */
  readonly abstain_recall_with_image: number | null;
}

/**
 * The pair with the best abstain F1 among the rows within `ACCURACY_SLACK` of the best accuracy; of equal F1, the one
 * whose unlinked-image bias is nearest its general bias, then the one whose general bias is nearest 0 (the model as
 * trained).
 */
export function chooseBias(rows: readonly BiasRow[]): BiasRow {
  if (rows.length === 0) throw new Error('no bias was evaluated');
  const bestAccuracy = Math.max(...rows.map((r) => r.accuracy));
  const eligible = rows.filter((r) => r.accuracy >= bestAccuracy - ACCURACY_SLACK);
  const offset = (r: BiasRow) => Math.abs(r.bias_unlinked_image - r.bias);
  const isBetter = (r: BiasRow, best: BiasRow) =>
    r.abstain_f1 > best.abstain_f1 ||
    (r.abstain_f1 === best.abstain_f1 &&
      (offset(r) < offset(best) || (offset(r) === offset(best) && Math.abs(r.bias) < Math.abs(best.bias))));
  return eligible.reduce((best, r) => (isBetter(r, best) ? r : best));
}

/** One dev run at one bias: its outcomes, and which questions came with an image that linked to nothing. */
export interface BiasRun {
  readonly bias: number;
  readonly outcomes: readonly QuestionOutcome[];
  readonly isUnlinkedImage: readonly boolean[];
}

/** The outcomes of the pair (`general.bias`, `unlinked.bias`): each question from the run its bias comes from. */
export function pairOutcomes(general: BiasRun, unlinked: BiasRun): QuestionOutcome[] {
  if (general.outcomes.length !== unlinked.outcomes.length)
    throw new Error('the two runs answered different questions');
  return general.outcomes.map((outcome, i) => {
    const other = unlinked.outcomes[i]!;
    if (other.question.qid !== outcome.question.qid) throw new Error('the two runs answered in different orders');
    return general.isUnlinkedImage[i] ? other : outcome;
  });
}

/** Every pair of the runs whose unlinked-image bias is at least its general bias, scored. */
export function scorePairs(runs: readonly BiasRun[]): BiasRow[] {
  return runs.flatMap((general) =>
    runs
      .filter((unlinked) => unlinked.bias >= general.bias)
      .map((unlinked) => {
        const outcomes = pairOutcomes(general, unlinked);
        const abstain = summariseAbstention(outcomes);
        return {
          bias: general.bias,
          bias_unlinked_image: unlinked.bias,
          accuracy: measured(summariseAccuracy(outcomes).overall.accuracy, 'accuracy'),
          relevance_accuracy: measured(summariseRelevance(outcomes).relevance_accuracy, 'relevance_accuracy'),
          ...abstention(abstain),
          abstain_recall_with_image: abstain.abstain_recall_with_image,
        };
      }),
  );
}

/** The dev split has answerable and unanswerable questions, so every metric of a row is measurable. */
function measured(value: number | null, name: string): number {
  if (value === null) throw new Error(`the dev run measured no ${name}`);
  return value;
}

/**
 * The abstention metrics of a dev run. A bias low enough that the model never abstains leaves precision unmeasured;
 * that row scores F1 0 (recall is 0) instead of stopping the sweep.
 */
export function abstention(report: {
  readonly abstain_precision: number | null;
  readonly abstain_recall: number | null;
  readonly abstain_f1: number | null;
}): Pick<BiasRow, 'abstain_precision' | 'abstain_recall' | 'abstain_f1'> {
  const recall = measured(report.abstain_recall, 'abstain_recall');
  if (report.abstain_precision === null) return { abstain_precision: null, abstain_recall: recall, abstain_f1: 0 };
  return {
    abstain_precision: report.abstain_precision,
    abstain_recall: recall,
    abstain_f1: measured(report.abstain_f1, 'abstain_f1'),
  };
}

function parseBiases(text: string): number[] {
  const parts = text.split(',').map((part) => part.trim());
  const biases = parts.map(Number);
  if (parts.some((part) => part === '') || biases.some((b) => !Number.isFinite(b) || Math.abs(b) > 20)) {
    throw new Error(`--biases takes comma-separated numbers in [-20, 20], got ${JSON.stringify(text)}`);
  }
  return biases;
}

async function main(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      bundle: { type: 'string', default: 'models/ra-blip-mini' },
      biases: { type: 'string', default: '-8,-7,-6,-5,-4,-3,-2,0,2,4' },
      write: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const bundle = values.bundle;
  const runs: BiasRun[] = [];
  for (const bias of parseBiases(values.biases)) {
    const args = ['--split', 'dev', '--no-ablations', '--no-report', '--bundle', bundle];
    args.push(`--abstain-bias=${bias}`, `--abstain-bias-unlinked-image=${bias}`);
    const { report, retrieved, outcomes } = await runEvaluationWithOutcomes(parseEvalArgs(args));
    const isUnlinkedImage = retrieved.map(isUnlinkedQuestionImage);
    runs.push({ bias, outcomes, isUnlinkedImage });
    process.stderr.write(`[calibrate] bias ${bias}: accuracy ${report.accuracy}, abstain F1 ${report.abstain_f1}\n`);
  }
  const rows = scorePairs(runs);
  const chosen = chooseBias(rows);
  if (values.write) {
    const path = join(bundle, 'manifest.json');
    const manifest = JSON.parse(readFileSync(path, 'utf8')) as { askg?: Record<string, unknown> };
    if (manifest.askg === undefined) throw new Error(`${path} has no askg section: not an ASKG bundle`);
    manifest.askg.abstainLogitBias = chosen.bias;
    manifest.askg.abstainLogitBiasUnlinkedImage = chosen.bias_unlinked_image;
    writeFileSync(path, `${JSON.stringify(manifest, null, 2)}\n`);
    process.stderr.write(
      `[calibrate] wrote askg.abstainLogitBias = ${chosen.bias}, abstainLogitBiasUnlinkedImage = ${chosen.bias_unlinked_image} to ${path}\n`,
    );
  }
  const result = { split: 'dev', bundle, rows, chosen: chosen.bias, chosen_unlinked_image: chosen.bias_unlinked_image };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`[calibrate] failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
