/**
 * Visual entity linking, the first hop of retrieval for a question that comes with an image: the image's visual key
 * (see `visual-keys.ts`) against the tenant's visual namespace, top-1. A match at or above the threshold means the
 * question shows that stored image, so the question is about that item's entity (its caption names it).
 * @module
 */
import type { ImageFeatures, ModelClient, VectorIndex, VectorMatch } from '../ports.js';
import { requireVisualKey, visualNamespace } from './visual-keys.js';
import { withModelDeadline } from './with-model-deadline.js';

/**
 * Default link threshold (cosine similarity of two visual keys): the highest that links every dev question image as
 * stored, as a JPEG of its 192-px render (quality 85, own item 0.9913 or more) and upscaled to 256 px (0.9869 or more),
 * measured by `bench/visual-link-threshold.ts` (`docs/adapters.md`, "Visual entity linking"). The best stored match
 * of 1 of the 3,470 logos that are no knowledge item passes it (0.9869). A stored look-alike can pass it too (11 of
 * 213 dev images have another stored image at 0.985 or more: flags that differ in a shade), which links only when
 * the image's own item is not stored.
 */
export const DEFAULT_VISUAL_LINK_THRESHOLD = 0.985;

/** What linking found for one question image. */
export interface ImageLink {
  /** The stored image item the question image shows (score = visual-key similarity), when one reached the threshold. */
  readonly linked?: VectorMatch;
  /** ViT features `[n_patch, d_vit]` of the question image, computed beside the key; the generator reuses them. */
  readonly features?: ImageFeatures;
  /**
   * The fusion embedding of the image with its question as instruction, from the same model call: an unlinked image's
   * retrieval reads it, so the picture goes through the model once.
   */
  readonly fused: Float32Array;
}

/** A question image and the question it comes with. */
export interface QuestionImage {
  readonly image: Uint8Array;
  readonly question: string;
}

/** Options of {@link linkQuestionImages}. */
export interface LinkOptions {
  /** Least visual-key similarity that links (see {@link DEFAULT_VISUAL_LINK_THRESHOLD}). */
  readonly threshold: number;
  /** Deadline of the model call; none when undefined. */
  readonly modelTimeoutMs?: number;
}

/** What linking needs: the model's knowledge embedding and the index. */
export interface LinkServices {
  readonly model: Pick<ModelClient, 'embedKnowledge'>;
  readonly index: VectorIndex;
}

/**
 * Links each image to the stored image item it shows, if any: its visual key, ViT features and fusion embedding from
 * one model call (the image with its question as the caption the Q-Former is instructed by; the key and the features
 * do not read it), then one top-1 query per image in `visualNamespace(namespace)`.
 * @returns one link per image, in order.
 */
export async function linkQuestionImages(
  services: LinkServices,
  namespace: string,
  images: readonly QuestionImage[],
  options: LinkOptions,
): Promise<{ links: ImageLink[]; embedMs: number; retrieveMs: number }> {
  if (images.length === 0) return { links: [], embedMs: 0, retrieveMs: 0 };
  const embedStart = performance.now();
  const embedded = await withModelDeadline(
    services.model.embedKnowledge(images.map(({ image, question }) => ({ kind: 'image', image, caption: question }))),
    options.modelTimeoutMs,
    'embedding the question image',
  );
  if (embedded.length !== images.length)
    throw new Error(`model returned ${embedded.length} embeddings for ${images.length} question images`);
  const keys = embedded.map((entry, i) => requireVisualKey(entry, `question image ${i + 1}`));
  const embedMs = performance.now() - embedStart;
  const retrieveStart = performance.now();
  const links = await Promise.all(
    keys.map(async (key, i): Promise<ImageLink> => {
      const [best] = await services.index.query(visualNamespace(namespace), key, 1);
      const features = embedded[i]!.features;
      return {
        fused: embedded[i]!.embedding,
        ...(best !== undefined && best.score >= options.threshold && { linked: best }),
        ...(features !== undefined && { features }),
      };
    }),
  );
  return { links, embedMs, retrieveMs: performance.now() - retrieveStart };
}
