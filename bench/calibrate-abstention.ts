/**
 * `npx tsx bench/calibrate-abstention.ts [--bundle DIR] [--biases=-2,-1,0,1] [--write]`
 *
 * Calibrates when the ASKG generator abstains. ASKG abstains with one token (`none` right after `relevant:`), so a
 * bias on that token's logit moves the threshold without retraining. This sweeps the bias on the **dev** split (the
 * test split is never used to choose it), through the same pipeline as `npm run eval`, prints one JSON object with a
 * row per bias, and picks the bias with the best abstain F1 among those whose accuracy is within `ACCURACY_SLACK` of
 * the sweep's best (of equal F1, the one nearest 0). `--write` stores it in the bundle's `manifest.json` as
 * `askg.abstainLogitBias`.
 * @module
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { parseEvalArgs } from './eval/eval-options.js';
import { runEvaluation } from './eval/run-evaluation.js';

/** Accuracy (a ratio) that the chosen bias may give up against the sweep's most accurate one. */
const ACCURACY_SLACK = 0.005;

/** Dev metrics of one bias. */
export interface BiasRow {
  readonly bias: number;
  readonly accuracy: number;
  readonly relevance_accuracy: number;
  /** null when the model abstained on nothing at this bias. */
  readonly abstain_precision: number | null;
  readonly abstain_recall: number;
  readonly abstain_f1: number;
  /** Recall over unanswerable questions that come with an image of nothing known (reported, not chosen on). */
  readonly abstain_recall_with_image: number | null;
}

/**
 * The bias with the best abstain F1 among the rows within `ACCURACY_SLACK` of the best accuracy; of equal F1, the one
 * nearest 0 (the model as trained).
 */
export function chooseBias(rows: readonly BiasRow[]): BiasRow {
  if (rows.length === 0) throw new Error('no bias was evaluated');
  const bestAccuracy = Math.max(...rows.map((r) => r.accuracy));
  const eligible = rows.filter((r) => r.accuracy >= bestAccuracy - ACCURACY_SLACK);
  const isBetter = (r: BiasRow, best: BiasRow) =>
    r.abstain_f1 > best.abstain_f1 || (r.abstain_f1 === best.abstain_f1 && Math.abs(r.bias) < Math.abs(best.bias));
  return eligible.reduce((best, r) => (isBetter(r, best) ? r : best));
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
      biases: { type: 'string', default: '-2,-1.5,-1,-0.5,0,0.5' },
      write: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const bundle = values.bundle;
  const rows: BiasRow[] = [];
  for (const bias of parseBiases(values.biases)) {
    const args = ['--split', 'dev', '--no-ablations', '--no-report', '--bundle', bundle, `--abstain-bias=${bias}`];
    const report = await runEvaluation(parseEvalArgs(args));
    const row: BiasRow = {
      bias,
      accuracy: measured(report.accuracy, 'accuracy'),
      relevance_accuracy: measured(report.relevance_accuracy, 'relevance_accuracy'),
      ...abstention(report),
      abstain_recall_with_image: report.abstain_recall_with_image,
    };
    rows.push(row);
    process.stderr.write(`[calibrate] bias ${bias}: accuracy ${row.accuracy}, abstain F1 ${row.abstain_f1}\n`);
  }
  const chosen = chooseBias(rows);
  if (values.write) {
    const path = join(bundle, 'manifest.json');
    const manifest = JSON.parse(readFileSync(path, 'utf8')) as { askg?: Record<string, unknown> };
    if (manifest.askg === undefined) throw new Error(`${path} has no askg section: not an ASKG bundle`);
    manifest.askg.abstainLogitBias = chosen.bias;
    writeFileSync(path, `${JSON.stringify(manifest, null, 2)}\n`);
    process.stderr.write(`[calibrate] wrote askg.abstainLogitBias = ${chosen.bias} to ${path}\n`);
  }
  process.stdout.write(`${JSON.stringify({ split: 'dev', bundle, rows, chosen: chosen.bias }, null, 2)}\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`[calibrate] failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
