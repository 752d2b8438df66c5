/**
 * The evaluation's vector index: the embedded `VectorIndex` adapter (SQLite in memory + exact search), the same one
 * the local stack serves from, loaded with every knowledge vector under one namespace and every image item's visual
 * key under that namespace's visual namespace, as ingest stores them.
 * @module
 */
import { EmbeddedVectorIndex } from '../../src/adapters/vector-index-embedded.js';
import { openSqliteDatabase } from '../../src/adapters/sqlite-database.js';
import { visualNamespace } from '../../src/core/pipeline/index.js';
import type { VectorIndex, VectorRecord } from '../../src/core/ports.js';
import type { KnowledgeBase } from './eval-data.js';
import type { KnowledgeEmbeddings } from './knowledge-embeddings.js';

/** The namespace (tenant) the knowledge base is indexed under. */
export const EVAL_NAMESPACE = 'eval';

/** An index holding the knowledge base; `close` frees the database. */
export interface KnowledgeIndex {
  readonly index: VectorIndex;
  close(): void;
}

async function upsertInBatches(index: VectorIndex, namespace: string, records: readonly VectorRecord[]): Promise<void> {
  const batch = 500;
  for (let at = 0; at < records.length; at += batch) await index.upsert(namespace, records.slice(at, at + batch));
}

/** Upserts every item of `kb` with its vector, and every visual key, into a fresh in-memory embedded index. */
export async function buildKnowledgeIndex(
  kb: KnowledgeBase,
  embeddings: KnowledgeEmbeddings,
  dimensions: number,
  modelVersion: string,
): Promise<KnowledgeIndex> {
  const database = openSqliteDatabase(':memory:');
  const index = new EmbeddedVectorIndex({ database, dimensions });
  const records: VectorRecord[] = kb.items.map((item) => ({
    id: item.id,
    values: embeddings.vectors.get(item.id)!,
    metadata: {
      modality: item.modality,
      content: item.modality === 'image' ? item.caption! : item.text!,
      ...(item.title !== undefined && { title: item.title }),
      source: item.entity,
      modelVersion,
    },
  }));
  await upsertInBatches(index, EVAL_NAMESPACE, records);
  const visualKeys = records.flatMap((record) => {
    const values = embeddings.visualKeys.get(record.id);
    return values === undefined ? [] : [{ ...record, values }];
  });
  await upsertInBatches(index, visualNamespace(EVAL_NAMESPACE), visualKeys);
  return { index, close: () => database.close() };
}
