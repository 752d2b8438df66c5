/**
 * The answer pipeline: question -> retrieval (with an image: visual entity linking, then top-K for the linked entity
 * and the question; see `retrieve-knowledge.ts`) -> assembled references (with cached ViT features for images) ->
 * ASKG generation -> answer, abstention and per-reference relevance.
 * @module
 */
import { performance } from 'node:perf_hooks';
import { inspectImage, type ImageLimits } from '../knowledge/inspect-image.js';
import type { GenerationOptions, GenerationReference, ImageFeatures, Modality, VectorMatch } from '../ports.js';
import { assembleKnowledge } from './assemble-knowledge.js';
import { decodeImageFeatures, encodeImageFeatures } from './features-codec.js';
import { getBlobIfPresent } from './knowledge-records.js';
import { DEFAULT_VISUAL_LINK_THRESHOLD } from './link-question-images.js';
import type { KnowledgeServices } from './pipeline-services.js';
import { retrieveKnowledge } from './retrieve-knowledge.js';
import { referenceTokenAllowance, type TokenBudget } from './token-budget.js';
import { withModelDeadline } from './with-model-deadline.js';

export interface AnswerRequest {
  readonly tenant: string;
  readonly question: string;
  /** Raw bytes of a PNG, JPEG or WebP that comes with the question. */
  readonly image?: Uint8Array;
  readonly topK: number;
}

export interface AnswerOptions {
  readonly imageLimits: ImageLimits;
  readonly budget: TokenBudget;
  readonly generation: Required<GenerationOptions>;
  /** Deadline of each model call (question embedding, generation). */
  readonly modelTimeoutMs: number;
  /** Least visual-key similarity that links a question image to a stored image item. @default 0.985 */
  readonly visualLinkThreshold?: number;
}

/** One reference shown to the generator, and what the generator made of it. */
export interface Evidence {
  readonly id: string;
  readonly modality: Modality;
  /** Caption of an image item, or the passage of a text item. */
  readonly content: string;
  readonly title?: string;
  readonly source: string;
  /**
   * Retrieval score: cosine similarity with the question; for the linked item, that of the two images' visual keys.
   */
  readonly score: number;
  /** Named relevant by the generator (ASKG). */
  readonly relevant: boolean;
  /** True for the image item the question image was linked to (it shows the same picture); absent otherwise. */
  readonly linked?: true;
}

export interface AnswerTimings {
  readonly embedMs: number;
  readonly retrieveMs: number;
  readonly assembleMs: number;
  readonly generateMs: number;
  readonly totalMs: number;
}

export interface AnswerResult {
  readonly answer: string;
  readonly abstained: boolean;
  /**
   * With a question image: whether visual entity linking matched it to a stored image item. When it did not, the
   * generator's unlinked-image abstention threshold applied.
   */
  readonly questionImage?: { readonly linked: boolean };
  readonly evidence: readonly Evidence[];
  readonly usage: { readonly promptTokens: number; readonly generatedTokens: number; readonly modelMs: number };
  readonly timings: AnswerTimings;
}

function roundMs(ms: number): number {
  return Math.round(ms * 100) / 100;
}

function elapsedSince(start: number): number {
  return roundMs(performance.now() - start);
}

/**
 * The cached features of an image reference. A missing cache entry (e.g. written by an older model version) is
 * recomputed from the stored image and written back; a reference whose image is gone too is left out.
 */
async function loadFeatures(services: KnowledgeServices, match: VectorMatch): Promise<ImageFeatures | undefined> {
  const { featuresKey, imageKey, content } = match.metadata;
  if (featuresKey === undefined || imageKey === undefined) return undefined;
  const cached = await getBlobIfPresent(services.blobs, featuresKey);
  if (cached !== undefined) return decodeImageFeatures(cached);
  const image = await getBlobIfPresent(services.blobs, imageKey);
  if (image === undefined) return undefined;
  const [embedded] = await services.model.embedKnowledge([{ kind: 'image', image, caption: content }]);
  if (embedded?.features === undefined) return undefined;
  await services.blobs.put(featuresKey, encodeImageFeatures(embedded.features), 'application/octet-stream');
  return embedded.features;
}

async function toReferences(
  services: KnowledgeServices,
  matches: readonly VectorMatch[],
): Promise<{ references: GenerationReference[]; used: VectorMatch[] }> {
  const loaded = await Promise.all(
    matches.map(async (match) => {
      if (match.metadata.modality === 'text') {
        const reference = { id: match.id, kind: 'text', text: match.metadata.content, score: match.score } as const;
        return { match, reference };
      }
      const features = await loadFeatures(services, match);
      if (features === undefined) return undefined;
      const reference = {
        id: match.id,
        kind: 'image',
        features,
        caption: match.metadata.content,
        score: match.score,
      } as const;
      return { match, reference };
    }),
  );
  const kept = loaded.filter((entry) => entry !== undefined);
  return { references: kept.map((entry) => entry.reference), used: kept.map((entry) => entry.match) };
}

/**
 * Answers a question from the tenant's knowledge.
 * @throws InvalidImageError or AppError `payload_too_large` for a bad question image; ModelTimeoutError when a model
 *   call misses `modelTimeoutMs`.
 */
export async function answerQuestion(
  services: KnowledgeServices,
  request: AnswerRequest,
  options: AnswerOptions,
): Promise<AnswerResult> {
  const start = performance.now();
  if (request.image !== undefined) inspectImage(request.image, options.imageLimits);

  const retrieval = await retrieveKnowledge(
    services,
    request.tenant,
    [{ question: request.question, ...(request.image !== undefined && { image: request.image }) }],
    {
      topK: request.topK,
      visualLinkThreshold: options.visualLinkThreshold ?? DEFAULT_VISUAL_LINK_THRESHOLD,
      modelTimeoutMs: options.modelTimeoutMs,
    },
  );
  const [retrieved] = retrieval.results;
  if (retrieved === undefined) throw new Error('retrieval returned no result');
  const embedMs = roundMs(retrieval.embedMs);
  const retrieveMs = roundMs(retrieval.retrieveMs);

  const assembleStart = performance.now();
  const allowance = referenceTokenAllowance(retrieved.question, request.image !== undefined, options.budget);
  const { selected } = assembleKnowledge(retrieved.matches, options.budget, allowance, {
    ...(retrieved.linkedId !== undefined && { leadId: retrieved.linkedId }),
  });
  const { references, used } = await toReferences(services, selected);
  const assembleMs = elapsedSince(assembleStart);

  const isImageLinked = retrieved.linkedId !== undefined;
  const generateStart = performance.now();
  const generated = await withModelDeadline(
    services.model.generate({
      question: retrieved.question,
      ...(request.image !== undefined && {
        // The linking call's ViT features travel instead of the picture, so the model does not read it again.
        ...(retrieved.questionImageFeatures !== undefined
          ? { questionImageFeatures: retrieved.questionImageFeatures }
          : { questionImage: request.image }),
        questionImageLinked: isImageLinked,
      }),
      references,
      options: options.generation,
    }),
    options.modelTimeoutMs,
    'generating the answer',
  );
  const generateMs = elapsedSince(generateStart);

  const relevant = new Set(generated.relevant);
  const evidence: Evidence[] = used.map((match) => ({
    id: match.id,
    modality: match.metadata.modality,
    content: match.metadata.content,
    ...(match.metadata.title !== undefined && { title: match.metadata.title }),
    source: match.metadata.source,
    score: match.score,
    relevant: relevant.has(match.id),
    ...(match.id === retrieved.linkedId && { linked: true as const }),
  }));
  return {
    answer: generated.answer,
    abstained: generated.abstained,
    ...(request.image !== undefined && { questionImage: { linked: isImageLinked } }),
    evidence,
    usage: { ...generated.usage, modelMs: Math.round(generated.usage.modelMs + embedMs) },
    timings: { embedMs, retrieveMs, assembleMs, generateMs, totalMs: elapsedSince(start) },
  };
}
