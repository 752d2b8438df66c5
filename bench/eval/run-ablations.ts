/**
 * The ablations, on a fixed seeded subset of the evaluated questions: closed-book (no references), no question
 * instruction in the Q-Former, the no-ASKG bundle, and 0/2/4/8 injected distractors with and without ASKG.
 * Retrieval is the main run's for the main bundle; the no-ASKG bundle retrieves with its own embeddings.
 * @module
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { KnowledgeBase } from './eval-data.js';
import { openEvalPipeline, type BundleInfo, type EvalPipeline } from './eval-pipeline.js';
import { mixReferences, pickDistractors } from './distractor-plan.js';
import { generateOutcomes, toGenerationJob, type GenerationJob } from './generate-outcomes.js';
import type { QuestionOutcome } from './question-outcome.js';
import { retrieveQuestions, type RetrievedQuestion } from './retrieve-questions.js';
import { summariseSetting, type SettingSummary } from './setting-summary.js';

/** The distractor counts of the noise-robustness setting. */
export const DISTRACTOR_COUNTS = [0, 2, 4, 8] as const;

/** Accuracy and relevance accuracy per distractor count (null where the count did not fit the bundle's prompt). */
export interface DistractorCurve {
  readonly accuracy: Readonly<Record<string, number | null>>;
  readonly relevance_accuracy: Readonly<Record<string, number | null>>;
  /** Accuracy at 0 minus accuracy at 4 distractors, in points (percent). */
  readonly drop_at_4_points: number | null;
}

/** The `ablations` object of the report. */
export interface AblationsReport {
  readonly questions: number;
  readonly seed: string;
  /** The main run's outcomes on the same subset, for comparison. */
  readonly full_pipeline: SettingSummary;
  readonly closed_book: SettingSummary;
  readonly no_question_instruction: SettingSummary;
  readonly no_askg: SettingSummary | null;
  readonly no_askg_bundle: BundleInfo | null;
  readonly distractors: {
    readonly counts: readonly number[];
    readonly askg: DistractorCurve;
    readonly no_askg: DistractorCurve | null;
  };
  /** Why a setting is null. */
  readonly notes: readonly string[];
}

/** What the ablations need from the main run. */
export interface AblationInput {
  readonly main: EvalPipeline;
  readonly kb: KnowledgeBase;
  /** The subset's retrieval by the main bundle. */
  readonly subset: readonly RetrievedQuestion[];
  /** The main run's outcomes by qid. */
  readonly mainOutcomes: ReadonlyMap<string, QuestionOutcome>;
  readonly noAskgBundle: string;
  readonly cacheRoot: string;
  readonly seed: string;
  readonly topK: number;
  readonly references: number;
  readonly visualLinkThreshold: number;
  readonly batchSize: number;
  readonly maxNewTokens: number;
}

async function runDistractors(
  pipeline: EvalPipeline,
  retrieved: readonly RetrievedQuestion[],
  input: AblationInput,
  label: string,
  notes: string[],
): Promise<DistractorCurve> {
  const pool = input.kb.items.map((item) => item.id);
  const maxReferences = pipeline.runtime.manifest.prompt?.maxReferences ?? 0;
  const fits = (count: number) => input.references + count <= maxReferences;
  const most = Math.max(0, ...DISTRACTOR_COUNTS.filter(fits));
  const drawn = retrieved.map((r) =>
    pickDistractors(
      pool,
      new Set([...(r.question.gold ?? []), ...r.references]),
      most,
      `${input.seed}|${r.question.qid}`,
    ),
  );
  const accuracy: Record<string, number | null> = {};
  const relevance: Record<string, number | null> = {};
  for (const count of DISTRACTOR_COUNTS) {
    if (!fits(count)) {
      notes.push(
        `${label} with ${count} distractors: ${input.references} + ${count} references exceed the bundle's maxReferences ${maxReferences}`,
      );
      accuracy[count] = relevance[count] = null;
      continue;
    }
    const jobs = retrieved.map((r, i) =>
      toGenerationJob(
        r,
        mixReferences(r.references, drawn[i]!.slice(0, count), `${input.seed}|${r.question.qid}|${count}`),
      ),
    );
    const outcomes = await generateOutcomes(pipeline.runtime, pipeline.catalog, jobs, {
      label: `${label}, ${count} distractors`,
      batchSize: input.batchSize,
      maxNewTokens: input.maxNewTokens,
    });
    const summary = summariseSetting(outcomes);
    accuracy[count] = summary.accuracy;
    relevance[count] = summary.relevance_accuracy;
  }
  const at0 = accuracy[0];
  const at4 = accuracy[4];
  const drop = at0 === null || at0 === undefined || at4 === null || at4 === undefined ? null : (at0 - at4) * 100;
  return { accuracy, relevance_accuracy: relevance, drop_at_4_points: drop };
}

async function runNoAskg(
  input: AblationInput,
  notes: string[],
): Promise<{ summary: SettingSummary; bundle: BundleInfo; curve: DistractorCurve } | null> {
  if (!existsSync(join(input.noAskgBundle, 'manifest.json'))) {
    notes.push(`no_askg: no ablation bundle at ${input.noAskgBundle} (train it with the recipe's ablation_stage3)`);
    return null;
  }
  const pipeline = await openEvalPipeline(input.noAskgBundle, input.kb, input.cacheRoot);
  try {
    const retrieved = await retrieveQuestions(
      pipeline.runtime,
      pipeline.knowledge,
      input.subset.map((r) => r.question),
      { topK: input.topK, references: input.references, visualLinkThreshold: input.visualLinkThreshold },
    );
    const plain = await generateOutcomes(
      pipeline.runtime,
      pipeline.catalog,
      retrieved.map((r) => toGenerationJob(r, r.references)),
      {
        label: 'no-ASKG bundle',
        batchSize: input.batchSize,
        maxNewTokens: input.maxNewTokens,
      },
    );
    const curve = await runDistractors(pipeline, retrieved, input, 'no-ASKG', notes);
    return { summary: summariseSetting(plain), bundle: pipeline.bundle, curve };
  } finally {
    await pipeline.close();
  }
}

/** Runs every ablation on `input.subset`. */
export async function runAblations(input: AblationInput): Promise<AblationsReport> {
  const notes: string[] = [];
  const { main, subset } = input;
  const generate = (label: string, jobs: GenerationJob[]) =>
    generateOutcomes(main.runtime, main.catalog, jobs, {
      label,
      batchSize: input.batchSize,
      maxNewTokens: input.maxNewTokens,
    });
  const closedBook = await generate(
    'closed-book',
    // No retrieval at all: not even the linked caption leads the question.
    subset.map((r) => ({ ...toGenerationJob(r, []), generatorQuestion: r.question.question })),
  );
  const noInstruction = await generate(
    'no question instruction',
    subset.map((r) => toGenerationJob(r, r.references, '')),
  );
  const askgCurve = await runDistractors(main, subset, input, 'ASKG', notes);
  const noAskg = await runNoAskg(input, notes);
  return {
    questions: subset.length,
    seed: input.seed,
    full_pipeline: summariseSetting(subset.map((r) => input.mainOutcomes.get(r.question.qid)!)),
    closed_book: summariseSetting(closedBook),
    no_question_instruction: summariseSetting(noInstruction),
    no_askg: noAskg?.summary ?? null,
    no_askg_bundle: noAskg?.bundle ?? null,
    distractors: { counts: [...DISTRACTOR_COUNTS], askg: askgCurve, no_askg: noAskg?.curve ?? null },
    notes,
  };
}
