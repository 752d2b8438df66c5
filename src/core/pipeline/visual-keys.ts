/**
 * Where visual keys live: the model returns one per image (`EmbeddedKnowledge.visualKey`, a fingerprint of the pixels,
 * `src/core/model/visual-keys.ts`); ingest stores one per image item in the tenant's visual namespace under the item's
 * id, and at answer time the question image's key finds the stored image it shows (`link-question-images.ts`).
 * @module
 */
import { AppError } from '../errors.js';
import type { EmbeddedKnowledge } from '../ports.js';

/**
 * The suffix of a visual namespace. `#` is outside the tenant alphabet (`TENANT_PATTERN`: `a-z 0-9 _ -`), so a visual
 * namespace never equals a tenant's. Pinecone's data-plane spec (2026-04) gives namespaces no pattern, and the SDK
 * percent-encodes the one call (`fetch`) that sends the namespace in the query string; the VectorIndex contract
 * suite runs such a namespace through every adapter. Keys of another kind live under another suffix (the model's
 * embeddings were under `#visual`), so an item stored with an old key is keyed again on its next delivery.
 */
export const VISUAL_NAMESPACE_SUFFIX = '#pixels';

/** The namespace that holds the visual keys of the image items of `namespace`. */
export function visualNamespace(namespace: string): string {
  return `${namespace}${VISUAL_NAMESPACE_SUFFIX}`;
}

/**
 * The visual key the model returned for an image (`what` names it in the error).
 * @throws AppError `model_unavailable` from a model that returns none (a container older than visual keys).
 */
export function requireVisualKey(embedded: EmbeddedKnowledge, what: string): Float32Array {
  if (embedded.visualKey === undefined)
    throw new AppError('model_unavailable', `model returned no visual key for ${what}: update the model container`);
  return embedded.visualKey;
}
