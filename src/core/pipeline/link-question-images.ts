/**
 * Visual entity linking, the first hop of retrieval for a question that comes with an image: the image's visual key
 * (see `visual-keys.ts`) against the tenant's visual namespace, top-1. A match at or above the threshold means the
 * question shows that stored image, so the question is about that item's entity (its caption names it).
 * @module
 */
import type { ImageFeatures, ModelClient, VectorIndex, VectorMatch } from '../ports.js';
import { embedVisualKeys, visualNamespace } from './visual-keys.js';
import { withModelDeadline } from './with-model-deadline.js';

/**
 * Default link threshold (cosine similarity of two visual keys): links exact copies of a stored image only. The key of
 * the same bytes is the same up to float rounding (dev split: 1 ± 1e-6), but the trained model never learned to tell
 * images apart with an empty instruction, so keys of look-alikes crowd near 1: with each dev question image's own item
 * left out, the best other image scores 0.9653-0.99956 (median 0.9979), and a JPEG re-encode of the same picture
 * ~0.9993. 0.95 would link every unknown image to some stored one; 0.9999 made no such link on dev and kept every copy.
 * A question image below it keeps the fused (image + question) retrieval. See docs/adapters.md, "Visual entity linking".
 */
export const DEFAULT_VISUAL_LINK_THRESHOLD = 0.9999;

/** What linking found for one question image. */
export interface ImageLink {
  /** The stored image item the question image shows (score = visual-key similarity), when one reached the threshold. */
  readonly linked?: VectorMatch;
  /** ViT features `[n_patch, d_vit]` of the question image, computed with the key; the generator can reuse them. */
  readonly features?: ImageFeatures;
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
 * Links each image to the stored image item it shows, if any: its visual key (`embedVisualKeys`), then one top-1
 * query per image in `visualNamespace(namespace)`.
 * @returns one link per image, in order.
 */
export async function linkQuestionImages(
  services: LinkServices,
  namespace: string,
  images: readonly Uint8Array[],
  options: LinkOptions,
): Promise<{ links: ImageLink[]; embedMs: number; retrieveMs: number }> {
  if (images.length === 0) return { links: [], embedMs: 0, retrieveMs: 0 };
  const embedStart = performance.now();
  const keys = await withModelDeadline(
    embedVisualKeys(services.model, images),
    options.modelTimeoutMs,
    'embedding the question image',
  );
  const embedMs = performance.now() - embedStart;
  const retrieveStart = performance.now();
  const links = await Promise.all(
    keys.map(async ({ embedding, features }): Promise<ImageLink> => {
      const [best] = await services.index.query(visualNamespace(namespace), embedding, 1);
      return {
        ...(best !== undefined && best.score >= options.threshold && { linked: best }),
        ...(features !== undefined && { features }),
      };
    }),
  );
  return { links, embedMs, retrieveMs: performance.now() - retrieveStart };
}
