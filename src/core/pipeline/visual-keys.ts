/**
 * Visual keys: the model's knowledge embedding of an image with an empty caption, so a deterministic function of the
 * pixels alone (same `d_embed`, same graphs as every other vector). Ingest stores one per image item in the tenant's
 * visual namespace under the item's id; at answer time the question image's key finds the stored image it shows
 * (visual entity linking, see `link-question-images.ts`).
 * @module
 */
import type { EmbeddedKnowledge, KnowledgeInput, ModelClient } from '../ports.js';

/**
 * The suffix of a visual namespace. `#` is outside the tenant alphabet (`TENANT_PATTERN`: `a-z 0-9 _ -`), so a visual
 * namespace never equals a tenant's. Pinecone's data-plane spec (2026-04) gives namespaces no pattern, and the SDK
 * percent-encodes the one call (`fetch`) that sends the namespace in the query string; the VectorIndex contract
 * suite runs such a namespace through every adapter.
 */
export const VISUAL_NAMESPACE_SUFFIX = '#visual';

/** The namespace that holds the visual keys of the image items of `namespace`. */
export function visualNamespace(namespace: string): string {
  return `${namespace}${VISUAL_NAMESPACE_SUFFIX}`;
}

/** The `embedKnowledge` input whose embedding is the visual key of `image`: no caption, so no instruction. */
export function visualKeyInput(image: Uint8Array): KnowledgeInput {
  return { kind: 'image', image, caption: '' };
}

/**
 * The visual keys of `images`, in one model call. A row's key must not depend on the other rows of its batch, or
 * the same picture could rank below a look-alike: the shipped int8 bundle quantizes activations per row
 * (`docs/architecture.md`, "Int8 weights in blocks"; tests/unit/model/shipped-bundle.test.ts checks it), an fp32
 * bundle is row-independent anyway, and `ModelRuntime.load` refuses a bundle that is not. Each result carries the
 * image's ViT features too.
 */
export async function embedVisualKeys(
  model: Pick<ModelClient, 'embedKnowledge'>,
  images: readonly Uint8Array[],
): Promise<EmbeddedKnowledge[]> {
  if (images.length === 0) return [];
  const keys = await model.embedKnowledge(images.map(visualKeyInput));
  if (keys.length !== images.length)
    throw new Error(`model returned ${keys.length} visual keys for ${images.length} images`);
  return keys;
}
