/**
 * The generation half of the pipeline: `ModelRuntime.generate` over batches of requests (one decoding loop per batch),
 * each request's references taken from the catalog in the order given, and the ASKG output kept as an outcome.
 * @module
 */
import type { ModelRuntime, RuntimeGenerateRequest } from '../../src/core/model/index.js';
import type { GenerateResult, ImageFeatures } from '../../src/core/ports.js';
import type { EvalQuestion } from './eval-question.js';
import { startProgress } from './progress-line.js';
import type { QuestionOutcome } from './question-outcome.js';
import { innerProduct, type ReferenceCatalog } from './reference-catalog.js';
import { isUnlinkedQuestionImage, type RetrievedQuestion } from './retrieve-questions.js';

/** One generate call to make. */
export interface GenerationJob {
  readonly question: EvalQuestion;
  /** The question text the generator reads (see `RetrievedQuestion.generatorQuestion`). */
  readonly generatorQuestion: string;
  /** Knowledge ids in prompt order (empty for closed-book). */
  readonly references: readonly string[];
  readonly questionImageFeatures?: ImageFeatures;
  /** With a question image: whether it linked to a stored image item (it picks the abstention bias). */
  readonly questionImageLinked?: boolean;
  /** Overrides the question in the Q-Former instructions (`''` for the no-question-instruction ablation). */
  readonly qformerQuestion?: string;
  /** Scores references by: a retrieved one keeps its match score, any other (an injected distractor) gets its inner
   * product with the question vector, as the index would have scored it. */
  readonly questionVector: Float32Array;
  readonly matchScores: ReadonlyMap<string, number>;
}

/** Options of {@link generateOutcomes}. */
export interface GenerateOutcomesOptions {
  /** Shown in the progress line. */
  readonly label: string;
  /** Requests per `generate` call. */
  readonly batchSize: number;
  /** Passed to every request. */
  readonly maxNewTokens: number;
}

/** The job for a retrieved question, with `references` in prompt order (its own retrieval by default). */
export function toGenerationJob(
  retrieved: RetrievedQuestion,
  references: readonly string[] = retrieved.references,
  qformerQuestion?: string,
): GenerationJob {
  return {
    question: retrieved.question,
    generatorQuestion: retrieved.generatorQuestion,
    references,
    questionVector: retrieved.questionVector,
    matchScores: retrieved.matchScores,
    ...(retrieved.questionImageFeatures !== undefined && {
      questionImageFeatures: retrieved.questionImageFeatures,
      questionImageLinked: !isUnlinkedQuestionImage(retrieved),
    }),
    ...(qformerQuestion !== undefined && { qformerQuestion }),
  };
}

function toRequest(job: GenerationJob, catalog: ReferenceCatalog, maxNewTokens: number): RuntimeGenerateRequest {
  return {
    question: job.generatorQuestion,
    references: job.references.map((id) => {
      const entry = catalog.get(id);
      if (entry === undefined) throw new Error(`reference ${id} is not in the knowledge base`);
      const score = job.matchScores.get(id) ?? innerProduct(job.questionVector, entry.vector);
      return { ...entry.reference, score };
    }),
    ...(job.questionImageFeatures !== undefined && { questionImageFeatures: job.questionImageFeatures }),
    ...(job.questionImageLinked !== undefined && { questionImageLinked: job.questionImageLinked }),
    ...(job.qformerQuestion !== undefined && { qformerQuestion: job.qformerQuestion }),
    options: { maxNewTokens },
  };
}

function toOutcome(job: GenerationJob, result: GenerateResult | Error): QuestionOutcome {
  const base = { question: job.question, references: job.references };
  if (result instanceof Error)
    return { ...base, answer: '', abstained: false, relevant: [], text: '', error: result.message };
  return { ...base, answer: result.answer, abstained: result.abstained, relevant: result.relevant, text: result.text };
}

/** Runs one batch; when it fails, each request again alone, so that one bad request fails only itself. */
async function runBatch(
  runtime: ModelRuntime,
  requests: RuntimeGenerateRequest[],
): Promise<(GenerateResult | Error)[]> {
  try {
    return await runtime.generate(requests);
  } catch (error) {
    if (requests.length === 1) return [error instanceof Error ? error : new Error(String(error))];
    const results: (GenerateResult | Error)[] = [];
    for (const request of requests) results.push(...(await runBatch(runtime, [request])));
    return results;
  }
}

/** Image slots and references of a job: jobs of a similar size share a batch, so less of each batch is padding. */
function sizeOf(job: GenerationJob): number {
  return job.references.length * 2 + (job.questionImageFeatures ? 1 : 0);
}

/** Generates an answer for every job; outcomes come back in job order. */
export async function generateOutcomes(
  runtime: ModelRuntime,
  catalog: ReferenceCatalog,
  jobs: readonly GenerationJob[],
  options: GenerateOutcomesOptions,
): Promise<QuestionOutcome[]> {
  const order = jobs.map((_, i) => i).sort((a, b) => sizeOf(jobs[a]!) - sizeOf(jobs[b]!) || a - b);
  const outcomes = new Array<QuestionOutcome>(jobs.length);
  const progress = startProgress(options.label, jobs.length);
  for (let at = 0; at < order.length; at += options.batchSize) {
    const indices = order.slice(at, at + options.batchSize);
    const requests: RuntimeGenerateRequest[] = [];
    const built: number[] = [];
    for (const i of indices) {
      try {
        requests.push(toRequest(jobs[i]!, catalog, options.maxNewTokens));
        built.push(i);
      } catch (error) {
        outcomes[i] = toOutcome(jobs[i]!, error instanceof Error ? error : new Error(String(error)));
      }
    }
    const results = await runBatch(runtime, requests);
    built.forEach((i, k) => (outcomes[i] = toOutcome(jobs[i]!, results[k]!)));
    progress.advance(indices.length);
  }
  progress.finish();
  return outcomes;
}
