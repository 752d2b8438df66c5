/**
 * Retrieval for questions, in two hops when a question image links to a stored image item:
 *
 * 1. link: the image's visual key against the visual namespace (`linkQuestionImages`);
 * 2. retrieve: when linked, the text `"<linked caption>. <question>"` through `embedText` (the entity is now named,
 *    so the question's text facts are in reach), else the question as before (`embedText`; with an unlinked image the
 *    normalised sum of the fusion embedding of the image with the question as instruction, which the linking call
 *    returned, and the question's text embedding, so that a picture the index cannot place does not drown the
 *    question's words); top-K from the tenant namespace.
 *
 * The linked item leads the matches, and the linked text is also the question generation reads (the generator is
 * trained on it: the caption names the entity, so "the capital of the country with this flag" becomes a one-hop
 * question). The answer path calls this with one question, the evaluation with batches: one code path, batched
 * model calls.
 * @module
 */
import type { ImageFeatures, ModelClient, VectorIndex, VectorMatch } from '../ports.js';
import { linkQuestionImages, type ImageLink } from './link-question-images.js';
import { withModelDeadline } from './with-model-deadline.js';

/** One question to retrieve for. */
export interface RetrievalQuery {
  readonly question: string;
  /** Raw bytes of the image that comes with the question (already checked against the image limits). */
  readonly image?: Uint8Array;
}

/** Options of {@link retrieveKnowledge}. */
export interface RetrievalOptions {
  /** Matches per question. */
  readonly topK: number;
  /** Least visual-key similarity that links a question image to a stored image item. */
  readonly visualLinkThreshold: number;
  /** Deadline of each model call; none when undefined. */
  readonly modelTimeoutMs?: number;
}

/** What retrieval gave one question. */
export interface RetrievedKnowledge {
  /** At most `topK` matches, deduplicated by id: the linked image item first (if any), then by score. */
  readonly matches: readonly VectorMatch[];
  /** Id of the image item the question image was linked to. */
  readonly linkedId?: string;
  /** The question for generation: `linkedQueryText` of the linked caption and the question, else the question. */
  readonly question: string;
  /** The question's retrieval vector `[d_embed]`, which every match's score is the inner product with. */
  readonly vector: Float32Array;
  /** ViT features `[n_patch, d_vit]` of the question image. */
  readonly questionImageFeatures?: ImageFeatures;
}

/** Results in query order, with the time spent in the model and in the index (summed over the hops). */
export interface RetrievalBatch {
  readonly results: RetrievedKnowledge[];
  readonly embedMs: number;
  readonly retrieveMs: number;
}

/** What retrieval needs. `ModelRuntime` fits `model` as well as every `ModelClient`. */
export interface RetrievalServices {
  readonly model: Pick<ModelClient, 'embedText' | 'embedKnowledge'>;
  readonly index: VectorIndex;
}

/** The retrieval text of a question linked to an image item: the entity's caption, then the question. */
export function linkedQueryText(caption: string, question: string): string {
  const named = caption.trim().replace(/[.!?;:,\s]+$/u, '');
  return named === '' ? question : `${named}. ${question}`;
}

/** The linked item first, then the other matches by their order, at most `topK`. */
function mergeLinked(linked: VectorMatch | undefined, matches: readonly VectorMatch[], topK: number): VectorMatch[] {
  if (linked === undefined) return matches.slice(0, topK);
  return [linked, ...matches.filter((match) => match.id !== linked.id)].slice(0, topK);
}

/** `(a + b) / |a + b|`. */
function normalisedSum(a: Float32Array, b: Float32Array): Float32Array {
  const sum = a.map((value, i) => value + b[i]!);
  const norm = Math.hypot(...sum);
  return norm === 0 ? sum : sum.map((value) => value / norm);
}

/** How one question's retrieval vector is computed. */
type VectorPlan =
  { readonly kind: 'text'; readonly text: string } | { readonly kind: 'fused'; readonly fused: Float32Array };

function planVector(query: RetrievalQuery, link: ImageLink | undefined): VectorPlan {
  if (link?.linked !== undefined)
    return { kind: 'text', text: linkedQueryText(link.linked.metadata.content, query.question) };
  if (link !== undefined) return { kind: 'fused', fused: link.fused };
  return { kind: 'text', text: query.question };
}

/**
 * Retrieves top-K knowledge of `namespace` for every query (see the module comment).
 * @throws ModelTimeoutError when a model call misses `modelTimeoutMs`.
 */
export async function retrieveKnowledge(
  services: RetrievalServices,
  namespace: string,
  queries: readonly RetrievalQuery[],
  options: RetrievalOptions,
): Promise<RetrievalBatch> {
  if (queries.length === 0) return { results: [], embedMs: 0, retrieveMs: 0 };
  const withImage = queries.flatMap((query, i) => (query.image === undefined ? [] : [{ i, image: query.image }]));
  const linking = await linkQuestionImages(
    services,
    namespace,
    withImage.map((entry) => ({ image: entry.image, question: queries[entry.i]!.question })),
    { threshold: options.visualLinkThreshold, modelTimeoutMs: options.modelTimeoutMs },
  );
  const links = new Map(withImage.map((entry, k) => [entry.i, linking.links[k]!]));

  const plans = queries.map((query, i) => planVector(query, links.get(i)));
  const texts = plans.map((plan, i) => (plan.kind === 'text' ? plan.text : queries[i]!.question));
  const embedStart = performance.now();
  const textVectors = await withModelDeadline(
    services.model.embedText(texts),
    options.modelTimeoutMs,
    'embedding the question',
  );
  const vectors = plans.map((plan, i) => {
    const text = textVectors[i];
    if (text === undefined) return undefined;
    return plan.kind === 'fused' ? normalisedSum(plan.fused, text) : text;
  });
  const embedMs = performance.now() - embedStart;

  const retrieveStart = performance.now();
  const found = await Promise.all(
    vectors.map((vector) => {
      if (vector === undefined) throw new Error('model returned no question embedding');
      return services.index.query(namespace, vector, options.topK);
    }),
  );
  const retrieveMs = performance.now() - retrieveStart;
  const results = queries.map((query, i): RetrievedKnowledge => {
    const link = links.get(i);
    const plan = plans[i]!;
    return {
      matches: mergeLinked(link?.linked, found[i]!, options.topK),
      vector: vectors[i]!,
      question: link?.linked !== undefined && plan.kind === 'text' ? plan.text : query.question,
      ...(link?.linked !== undefined && { linkedId: link.linked.id }),
      ...(link?.features !== undefined && { questionImageFeatures: link.features }),
    };
  });
  return {
    results,
    embedMs: embedMs + linking.embedMs,
    retrieveMs: retrieveMs + linking.retrieveMs,
  };
}
