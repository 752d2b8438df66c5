/**
 * `tsx training/kb/build-questions.ts [--out build/kb] [--seed 1234]` (also run by `npm run kb:build`): builds the
 * WebQA-style benchmark from a built knowledge base into `<kb>/questions/{train,dev,test}.jsonl` and `stats.json`.
 * Entities are split 70/10/20 by a seeded hash; a question is in its entities' split (pairs are drawn within one
 * split), so no dev or test entity is ever named by a training question. Held-out phrasings appear only in dev/test.
 * @module
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeJsonl } from './jsonl-file.js';
import { parseKbOptions } from './kb-options.js';
import { assignSplit, loadQuestionContext, randomFor, type QuestionContext } from './question-context.js';
import { phraseInstance, type QuestionInstance } from './question-instance.js';
import { splitSchema, type QuestionRecord, type Split } from './question-record.js';
import { templateFamilies } from './question-templates.js';
import { draftComparisonQuestions } from './questions-comparison.js';
import { draftImageQuestions } from './questions-image.js';
import { draftTextFactQuestions } from './questions-text-fact.js';
import { draftUnanswerableQuestions } from './questions-unanswerable.js';
import { draftYesNoQuestions } from './questions-yes-no.js';

/**
 * Fraction of dev/test instances kept per source, sizing test at about 2,000 questions on the full build. Every
 * unanswerable instance is kept, so abstention is measured on a few hundred questions.
 */
export const evalKeepRate = { countries: 0.8, emoji: 0.35, unanswerable: 1 } as const;

/** Options of {@link buildQuestions}. */
export interface BuildQuestionsOptions {
  readonly kbDir: string;
  readonly seed: number;
  readonly log?: (message: string) => void;
}

/** Counts written to `questions/stats.json`. */
export interface QuestionStats {
  readonly seed: number;
  readonly totals: Record<Split, number>;
  readonly by_type: Record<Split, Record<string, number>>;
  readonly by_family: Record<Split, Record<string, number>>;
  readonly held_out_questions: Record<Split, number>;
  readonly entities: Record<Split, number>;
  readonly held_out_templates: string[];
}

function isKeptForEval(ctx: QuestionContext, instance: QuestionInstance): boolean {
  if (instance.split === 'train') return true;
  const key = [instance.family, instance.variant, ...instance.entities].join('|');
  const rate = instance.type === 'unanswerable' ? evalKeepRate.unanswerable : evalKeepRate[instance.source];
  return randomFor(ctx, 'eval-keep', key).next() < rate;
}

function countBy(records: readonly QuestionRecord[], keyOf: (r: QuestionRecord) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of records) counts[keyOf(r)] = (counts[keyOf(r)] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

function summarise(ctx: QuestionContext, bySplit: Record<Split, QuestionRecord[]>): QuestionStats {
  const splits = splitSchema.options;
  const perSplit = <T>(f: (records: QuestionRecord[], split: Split) => T): Record<Split, T> =>
    Object.fromEntries(splits.map((s) => [s, f(bySplit[s], s)])) as Record<Split, T>;
  return {
    seed: ctx.seed,
    totals: perSplit((r) => r.length),
    by_type: perSplit((r) => countBy(r, (q) => q.type)),
    by_family: perSplit((r) => countBy(r, (q) => `${q.type}/${q.family}`)),
    held_out_questions: perSplit((r) => r.filter((q) => q.held_out).length),
    entities: perSplit((_, s) => ctx.entities.filter((e) => assignSplit(ctx.seed, e.entity) === s).length),
    held_out_templates: [...templateFamilies.values()].flatMap((f) =>
      f.templates.filter((t) => t.isHeldOut).map((t) => t.id),
    ),
  };
}

/** Builds and writes the benchmark questions of the knowledge base in `kbDir`. */
export async function buildQuestions(options: BuildQuestionsOptions): Promise<QuestionStats> {
  const started = Date.now();
  const kbDir = resolve(options.kbDir);
  const ctx = await loadQuestionContext(kbDir, options.seed);
  const instances = [
    ...draftTextFactQuestions(ctx),
    ...draftImageQuestions(ctx),
    ...draftComparisonQuestions(ctx),
    ...draftYesNoQuestions(ctx),
    ...draftUnanswerableQuestions(ctx),
  ].filter((instance) => isKeptForEval(ctx, instance));
  const byQid = new Map<string, QuestionRecord>();
  for (const instance of instances) for (const record of phraseInstance(ctx, instance)) byQid.set(record.qid, record);
  const bySplit: Record<Split, QuestionRecord[]> = { train: [], dev: [], test: [] };
  for (const record of byQid.values()) bySplit[record.split].push(record);
  const outDir = join(kbDir, 'questions');
  mkdirSync(outDir, { recursive: true });
  for (const split of splitSchema.options) {
    bySplit[split].sort(
      (x, y) =>
        x.entity.localeCompare(y.entity) || x.template_id.localeCompare(y.template_id) || x.qid.localeCompare(y.qid),
    );
    writeJsonl(join(outDir, `${split}.jsonl`), bySplit[split]);
  }
  const stats = summarise(ctx, bySplit);
  writeFileSync(join(outDir, 'stats.json'), JSON.stringify(stats, null, 2) + '\n');
  options.log?.(
    `questions train ${stats.totals.train}, dev ${stats.totals.dev}, test ${stats.totals.test} (${Date.now() - started} ms)`,
  );
  return stats;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const options = parseKbOptions(process.argv.slice(2));
  buildQuestions({ kbDir: options.out, seed: options.seed, log: (m) => process.stderr.write(`[kb] ${m}\n`) }).catch(
    (error: unknown) => {
      process.stderr.write(`[kb] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
