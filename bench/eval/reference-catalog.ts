/**
 * Every knowledge item as the generator takes it (a `GenerationReference`: text, or caption + cached ViT features),
 * so that retrieved references and injected distractors are built the same way.
 * @module
 */
import type { GenerationReference } from '../../src/core/ports.js';
import type { KnowledgeBase } from './eval-data.js';
import type { KnowledgeEmbeddings } from './knowledge-embeddings.js';

/** One item of the catalog: the reference without its score, and the item's retrieval vector `[d_embed]`. */
export interface CatalogEntry {
  readonly reference: GenerationReference;
  readonly vector: Float32Array;
}

/** Catalog entries by knowledge id. */
export type ReferenceCatalog = ReadonlyMap<string, CatalogEntry>;

/** The catalog of `kb`, image items carrying the features cached at embedding time. */
export function buildReferenceCatalog(kb: KnowledgeBase, embeddings: KnowledgeEmbeddings): ReferenceCatalog {
  return new Map(
    kb.items.map((item): [string, CatalogEntry] => {
      const vector = embeddings.vectors.get(item.id);
      if (vector === undefined) throw new Error(`no cached vector for item ${item.id}`);
      if (item.modality === 'text')
        return [item.id, { reference: { id: item.id, kind: 'text', text: item.text! }, vector }];
      const features = embeddings.features.get(item.id);
      if (features === undefined) throw new Error(`no cached features for image item ${item.id}`);
      return [item.id, { reference: { id: item.id, kind: 'image', features, caption: item.caption! }, vector }];
    }),
  );
}

/** Inner product of two vectors of one length (the index's score on unit vectors). */
export function innerProduct(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`vectors of ${a.length} and ${b.length} dims`);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}
