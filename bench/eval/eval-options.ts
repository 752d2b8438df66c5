/**
 * The command line of `npm run eval`, parsed once into typed options (unknown flags and bad values fail here).
 * @module
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { DEFAULT_VISUAL_LINK_THRESHOLD } from '../../src/core/pipeline/index.js';
import { splitSchema, type Split } from '../../training/kb/question-record.js';

/** Where the generated benchmark page goes for a full run. */
export const DEFAULT_REPORT = 'docs/benchmark.md';

/** Parsed options of one evaluation run. */
export interface EvalOptions {
  /** Benchmark split to evaluate; ignored (null) with `questionsFile`. @default 'test' */
  readonly split: Split | null;
  /** A JSONL file of `{question, answers[], image?}` evaluated against the knowledge base instead of a split. */
  readonly questionsFile?: string;
  /** @default 'models/ra-blip-mini' */
  readonly bundle: string;
  /** The bundle trained without ASKG, for the no-ASKG ablation. @default 'models/ablations/no-askg' */
  readonly noAskgBundle: string;
  /** @default 'build/kb' */
  readonly kb: string;
  /** Knowledge embeddings cache. @default 'build/eval-cache' */
  readonly cacheDir: string;
  /** Evaluate a seeded, type-stratified sample of this many questions. */
  readonly limit?: number;
  /**
   * Run the ablations on a seeded, type-stratified sample of this many questions. @default every question: a
   * 300-question sample moved the no-ASKG distractor drop by 1.4 points with 4 answers (`docs/model-card.md`)
   */
  readonly ablationLimit?: number;
  /** @default true; `--no-ablations` turns them off. */
  readonly isAblating: boolean;
  /** Print the JSON object instead of a readable summary. @default false */
  readonly isJson: boolean;
  /**
   * The Markdown report path; written by default only for a full split run (no `--limit`, no `--questions`), so a
   * partial run never overwrites the committed page. `--no-report` turns it off.
   */
  readonly report?: string;
  /** Writes one JSON line per main-run question (answer, references, verdict) to this file. */
  readonly predictions?: string;
  /** Seed of the subsets, distractors and their order. @default '1234' */
  readonly seed: string;
  /** Least visual-key similarity that links a question image (visual entity linking). @default DEFAULT_VISUAL_LINK_THRESHOLD (0.985) */
  readonly visualLinkThreshold: number;
  /** Overrides the main bundle's `askg.abstainLogitBias` (the calibration sweep, `bench/calibrate-abstention.ts`). */
  readonly abstainLogitBias?: number;
  /** Overrides the main bundle's `askg.abstainLogitBiasUnlinkedImage` (the calibration sweep). */
  readonly abstainLogitBiasUnlinkedImage?: number;
}

const count = z.coerce.number().int().positive();

const rawSchema = z.strictObject({
  split: splitSchema.optional(),
  questions: z.string().min(1).optional(),
  bundle: z.string().min(1).default('models/ra-blip-mini'),
  'no-askg-bundle': z.string().min(1).default('models/ablations/no-askg'),
  kb: z.string().min(1).default('build/kb'),
  cache: z.string().min(1).default('build/eval-cache'),
  limit: count.optional(),
  'ablation-limit': count.optional(),
  'no-ablations': z.boolean().default(false),
  json: z.boolean().default(false),
  report: z.string().min(1).optional(),
  'no-report': z.boolean().default(false),
  predictions: z.string().min(1).optional(),
  seed: z.string().min(1).default('1234'),
  'visual-link-threshold': z.coerce.number().min(0).max(2).default(DEFAULT_VISUAL_LINK_THRESHOLD),
  'abstain-bias': z.coerce.number().min(-20).max(20).optional(),
  'abstain-bias-unlinked-image': z.coerce.number().min(-20).max(20).optional(),
});

const stringFlags = [
  'split',
  'questions',
  'bundle',
  'no-askg-bundle',
  'kb',
  'cache',
  'limit',
  'ablation-limit',
  'report',
  'predictions',
  'seed',
  'visual-link-threshold',
  'abstain-bias',
  'abstain-bias-unlinked-image',
];
const booleanFlags = ['no-ablations', 'json', 'no-report'];

/** Parses `npm run eval -- …` arguments. Throws with a usage hint on an unknown flag or a bad value. */
export function parseEvalArgs(argv: readonly string[]): EvalOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: Object.fromEntries([
      ...stringFlags.map((name) => [name, { type: 'string' as const }]),
      ...booleanFlags.map((name) => [name, { type: 'boolean' as const }]),
    ]),
    strict: true,
    allowPositionals: false,
  });
  const parsed = rawSchema.safeParse(values);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid eval arguments: ${problems}`);
  }
  const raw = parsed.data;
  if (raw.split !== undefined && raw.questions !== undefined)
    throw new Error('pass either --split or --questions, not both');
  if (raw.report !== undefined && raw['no-report']) throw new Error('pass either --report or --no-report, not both');
  const isFullRun = raw.questions === undefined && raw.limit === undefined;
  const report = raw['no-report'] ? undefined : (raw.report ?? (isFullRun ? DEFAULT_REPORT : undefined));
  return {
    split: raw.questions === undefined ? (raw.split ?? 'test') : null,
    ...(raw.questions !== undefined && { questionsFile: raw.questions }),
    bundle: raw.bundle,
    noAskgBundle: raw['no-askg-bundle'],
    kb: raw.kb,
    cacheDir: raw.cache,
    ...(raw.limit !== undefined && { limit: raw.limit }),
    ...(raw['ablation-limit'] !== undefined && { ablationLimit: raw['ablation-limit'] }),
    isAblating: !raw['no-ablations'],
    isJson: raw.json,
    ...(report !== undefined && { report }),
    ...(raw.predictions !== undefined && { predictions: raw.predictions }),
    seed: raw.seed,
    visualLinkThreshold: raw['visual-link-threshold'],
    ...(raw['abstain-bias'] !== undefined && { abstainLogitBias: raw['abstain-bias'] }),
    ...(raw['abstain-bias-unlinked-image'] !== undefined && {
      abstainLogitBiasUnlinkedImage: raw['abstain-bias-unlinked-image'],
    }),
  };
}
