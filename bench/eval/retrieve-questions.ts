/**
 * The retrieval half of the pipeline for every question: the question embedding (`embedText`, or for a question that
 * comes with an image the fusion embedding `embedKnowledge([{ kind: 'image', image, caption: question }])`, the
 * Q-Former reading the image with the question as instruction), top-K from the index, then the answer pipeline's own
 * `assembleKnowledge` picks the references for the prompt.
 * @module
 */
import { readFile } from 'node:fs/promises';
import type { ModelRuntime } from '../../src/core/model/index.js';
import { assembleKnowledge, referenceTokenAllowance, type TokenBudget } from '../../src/core/pipeline/index.js';
import type { ImageFeatures } from '../../src/core/ports.js';
import type { EvalQuestion } from './eval-question.js';
import { EVAL_NAMESPACE, type KnowledgeIndex } from './knowledge-index.js';
import { startProgress } from './progress-line.js';

/** What retrieval gave one question. */
export interface RetrievedQuestion {
  readonly question: EvalQuestion;
  /** Top-K ids, best first (recall and MRR read these). */
  readonly ranked: readonly string[];
  /** The references for the prompt, in prompt order. */
  readonly references: readonly string[];
  /** ViT features of the question image, computed once for the embedding and reused by `generate`. */
  readonly questionImageFeatures?: ImageFeatures;
}

/** Options of {@link retrieveQuestions}. */
export interface RetrieveOptions {
  /** Retrieved items per question. */
  readonly topK: number;
  /** References handed to the generator. */
  readonly references: number;
  /** Questions per embedding call. @default 64 */
  readonly chunkSize?: number;
}

/** The prompt budget of `runtime`'s bundle, capped at `references` references. */
export function promptBudget(runtime: ModelRuntime, references: number): TokenBudget {
  const { prompt, dims, text } = runtime.manifest;
  return {
    maxReferences: Math.min(references, prompt?.maxReferences ?? 0),
    maxPromptTokens: text.generator.maxLength,
    maxRefTokens: prompt?.maxRefTokens ?? 0,
    imageTokens: dims.nQuery,
  };
}

interface QuestionEmbedding {
  readonly vector: Float32Array;
  readonly features?: ImageFeatures;
}

async function embedQuestions(runtime: ModelRuntime, questions: readonly EvalQuestion[]): Promise<QuestionEmbedding[]> {
  const images = await Promise.all(questions.map((q) => (q.imagePath ? readFile(q.imagePath) : undefined)));
  const withImage = questions.flatMap((q, i) => (images[i] ? [{ i, image: images[i]!, caption: q.question }] : []));
  const textOnly = questions.flatMap((q, i) => (images[i] ? [] : [{ i, text: q.question }]));
  const out = new Array<QuestionEmbedding>(questions.length);
  const vectors = await runtime.embedText(textOnly.map((t) => t.text));
  textOnly.forEach((t, k) => (out[t.i] = { vector: vectors[k]! }));
  const fused = await runtime.embedKnowledge(
    withImage.map((w) => ({ kind: 'image', image: w.image, caption: w.caption })),
  );
  withImage.forEach((w, k) => (out[w.i] = { vector: fused[k]!.embedding, features: fused[k]!.features }));
  return out;
}

/** Embeds, retrieves and assembles references for every question. */
export async function retrieveQuestions(
  runtime: ModelRuntime,
  knowledge: KnowledgeIndex,
  questions: readonly EvalQuestion[],
  options: RetrieveOptions,
): Promise<RetrievedQuestion[]> {
  const budget = promptBudget(runtime, options.references);
  const chunkSize = options.chunkSize ?? 64;
  const progress = startProgress('retrieving', questions.length);
  const out: RetrievedQuestion[] = [];
  for (let at = 0; at < questions.length; at += chunkSize) {
    const chunk = questions.slice(at, at + chunkSize);
    const embedded = await embedQuestions(runtime, chunk);
    for (const [i, question] of chunk.entries()) {
      const { vector, features } = embedded[i]!;
      const matches = await knowledge.index.query(EVAL_NAMESPACE, vector, options.topK);
      const allowance = referenceTokenAllowance(question.question, question.imagePath !== undefined, budget);
      const { selected } = assembleKnowledge(matches, budget, allowance);
      out.push({
        question,
        ranked: matches.map((m) => m.id),
        references: selected.map((m) => m.id),
        ...(features !== undefined && { questionImageFeatures: features }),
      });
    }
    progress.advance(chunk.length);
  }
  progress.finish();
  return out;
}
