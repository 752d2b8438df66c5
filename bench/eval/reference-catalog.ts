/**
 * Every knowledge item as the generator takes it (a `GenerationReference`: text, or caption + cached ViT features),
 * so that retrieved references and injected distractors are built the same way.
 * @module
 */
import type { GenerationReference } from '../../src/core/ports.js';
import type { KnowledgeBase } from './eval-data.js';
import type { KnowledgeEmbeddings } from './knowledge-embeddings.js';

/** Generation references by knowledge id. */
export type ReferenceCatalog = ReadonlyMap<string, GenerationReference>;

/** The catalog of `kb`, image items carrying the features cached at embedding time. */
export function buildReferenceCatalog(kb: KnowledgeBase, embeddings: KnowledgeEmbeddings): ReferenceCatalog {
  return new Map(
    kb.items.map((item): [string, GenerationReference] => {
      if (item.modality === 'text') return [item.id, { id: item.id, kind: 'text', text: item.text! }];
      const features = embeddings.features.get(item.id);
      if (features === undefined) throw new Error(`no cached features for image item ${item.id}`);
      return [item.id, { id: item.id, kind: 'image', features, caption: item.caption! }];
    }),
  );
}
