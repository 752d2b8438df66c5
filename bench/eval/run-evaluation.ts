/**
 * One evaluation run: the questions through the real pipeline (embed -> index -> retrieve -> assemble -> generate ->
 * ASKG parse) with the TypeScript runtime, the metrics, the ablations and the Must targets.
 * @module
 */
import { assembleReport } from './assemble-report.js';
import { ensureKnowledgeBase } from './ensure-knowledge-base.js';
import { loadKnowledgeBase, loadQuestionFile, loadSplitQuestions } from './eval-data.js';
import type { EvalOptions } from './eval-options.js';
import { openEvalPipeline } from './eval-pipeline.js';
import type { EvalQuestion } from './eval-question.js';
import type { EvalReport } from './eval-report.js';
import { generateOutcomes, toGenerationJob } from './generate-outcomes.js';
import { BATCH_SIZE, MAX_NEW_TOKENS, REFERENCES, TOP_K } from './pipeline-settings.js';
import type { QuestionOutcome } from './question-outcome.js';
import { retrieveQuestions, type RetrievedQuestion } from './retrieve-questions.js';
import { runAblations, type AblationsReport } from './run-ablations.js';
import { sampleStratified } from './stratified-sample.js';
import { writePredictions } from './write-predictions.js';

function loadQuestions(options: EvalOptions): EvalQuestion[] {
  const all = options.questionsFile
    ? loadQuestionFile(options.questionsFile)
    : loadSplitQuestions(options.kb, options.split!);
  if (options.limit === undefined) return all;
  return sampleStratified(all, (q) => q.type, options.limit, `${options.seed}|limit`);
}

const secondsSince = (start: number) => Math.round((performance.now() - start) / 100) / 10;

/** What one run produced: the report, and the main run's retrieval and outcomes (aligned). */
export interface EvaluationRun {
  readonly report: EvalReport;
  readonly retrieved: readonly RetrievedQuestion[];
  readonly outcomes: readonly QuestionOutcome[];
}

/** Runs the evaluation described by `options`. */
export async function runEvaluation(options: EvalOptions): Promise<EvalReport> {
  return (await runEvaluationWithOutcomes(options)).report;
}

/** Runs the evaluation described by `options`, keeping the main run's per-question outcomes. */
export async function runEvaluationWithOutcomes(options: EvalOptions): Promise<EvaluationRun> {
  const started = performance.now();
  await ensureKnowledgeBase(options.kb, options.split);
  const kb = loadKnowledgeBase(options.kb);
  const questions = loadQuestions(options);
  const main = await openEvalPipeline(options.bundle, kb, options.cacheDir, options);
  try {
    const timings: Record<string, number> = { knowledge: secondsSince(started) };
    let mark = performance.now();
    const retrieved = await retrieveQuestions(main.runtime, main.knowledge, questions, {
      topK: TOP_K,
      references: REFERENCES,
      visualLinkThreshold: options.visualLinkThreshold,
    });
    timings.retrieval = secondsSince(mark);
    mark = performance.now();
    const outcomes = await generateOutcomes(
      main.runtime,
      main.catalog,
      retrieved.map((r) => toGenerationJob(r)),
      {
        label: 'answering',
        batchSize: BATCH_SIZE,
        maxNewTokens: MAX_NEW_TOKENS,
      },
    );
    timings.generation = secondsSince(mark);
    if (options.predictions) writePredictions(options.predictions, retrieved, outcomes);

    let ablations: AblationsReport | null = null;
    if (options.isAblating) {
      mark = performance.now();
      ablations = await runAblations({
        main,
        kb,
        subset:
          options.ablationLimit === undefined
            ? retrieved
            : sampleStratified(retrieved, (r) => r.question.type, options.ablationLimit, `${options.seed}|ablation`),
        mainOutcomes: new Map(outcomes.map((o) => [o.question.qid, o])),
        noAskgBundle: options.noAskgBundle,
        cacheRoot: options.cacheDir,
        seed: options.seed,
        topK: TOP_K,
        references: REFERENCES,
        visualLinkThreshold: options.visualLinkThreshold,
        batchSize: BATCH_SIZE,
        maxNewTokens: MAX_NEW_TOKENS,
      });
      timings.ablations = secondsSince(mark);
    }

    const report = assembleReport({
      options,
      knowledgeItems: kb.items.length,
      bundle: main.bundle,
      retrieved,
      outcomes,
      ablations,
      timings,
      seconds: secondsSince(started),
    });
    return { report, retrieved, outcomes };
  } finally {
    await main.close();
  }
}
