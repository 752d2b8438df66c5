/**
 * The retrieval half of the pipeline for every question, through the answer path's own code: `retrieveKnowledge`
 * (a question image is first linked to the stored image it shows by its visual key; linked, the question is retrieved
 * for as "<caption>. <question>" through `embedText`, else as text or as the fusion embedding of image and question),
 * top-K from the index, then `assembleKnowledge` picks the references for the prompt, the linked item first.
 * Nothing here reads a question's gold ids.
 * @module
 */
import { readFile } from 'node:fs/promises';
import type { ModelRuntime } from '../../src/core/model/index.js';
import {
  assembleKnowledge,
  DEFAULT_VISUAL_LINK_THRESHOLD,
  referenceTokenAllowance,
  retrieveKnowledge,
  type TokenBudget,
} from '../../src/core/pipeline/index.js';
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
  /** The image item the question image was linked to. */
  readonly linkedId?: string;
  /** The question generation reads (the linked caption leads it when the image linked). */
  readonly generatorQuestion: string;
  /** The question's retrieval vector, and the score of each match (the linked item's is its visual-key score). */
  readonly questionVector: Float32Array;
  readonly matchScores: ReadonlyMap<string, number>;
}

/** Whether the question came with an image that visual entity linking matched to no stored image item. */
export function isUnlinkedQuestionImage(retrieved: RetrievedQuestion): boolean {
  return retrieved.questionImageFeatures !== undefined && retrieved.linkedId === undefined;
}

/** Options of {@link retrieveQuestions}. */
export interface RetrieveOptions {
  /** Retrieved items per question. */
  readonly topK: number;
  /** References handed to the generator. */
  readonly references: number;
  /** Questions per embedding call. @default 64 */
  readonly chunkSize?: number;
  /** Least visual-key similarity that links a question image. @default DEFAULT_VISUAL_LINK_THRESHOLD */
  readonly visualLinkThreshold?: number;
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
    const images = await Promise.all(chunk.map((q) => (q.imagePath ? readFile(q.imagePath) : undefined)));
    const { results } = await retrieveKnowledge(
      { model: runtime, index: knowledge.index },
      EVAL_NAMESPACE,
      chunk.map((q, i) => ({ question: q.question, ...(images[i] !== undefined && { image: images[i] }) })),
      { topK: options.topK, visualLinkThreshold: options.visualLinkThreshold ?? DEFAULT_VISUAL_LINK_THRESHOLD },
    );
    for (const [i, question] of chunk.entries()) {
      const { matches, linkedId, questionImageFeatures, question: generatorQuestion, vector } = results[i]!;
      const allowance = referenceTokenAllowance(generatorQuestion, question.imagePath !== undefined, budget);
      const { selected } = assembleKnowledge(matches, budget, allowance, {
        ...(linkedId !== undefined && { leadId: linkedId }),
      });
      out.push({
        question,
        generatorQuestion,
        ranked: matches.map((m) => m.id),
        references: selected.map((m) => m.id),
        questionVector: vector,
        matchScores: new Map(matches.map((m) => [m.id, m.score])),
        ...(questionImageFeatures !== undefined && { questionImageFeatures }),
        ...(linkedId !== undefined && { linkedId }),
      });
    }
    progress.advance(chunk.length);
  }
  progress.finish();
  return out;
}
