/**
 * A VectorIndex built on first use. The index adapters need the model's `dEmbed`, and on AWS asking the model is a
 * SageMaker call: doing it at cold start would spend the Lambda init budget, and fail every route (health included)
 * while the endpoint scales. Deferred, it happens with the first request that needs the index.
 * @module
 */
import type { VectorIndex } from '../../src/core/ports.js';

/** Delegates to the index `create` resolves; a failed creation is retried by the next call. */
export function deferVectorIndex(create: () => Promise<VectorIndex>): VectorIndex {
  let index: Promise<VectorIndex> | undefined;
  const resolved = (): Promise<VectorIndex> => {
    index ??= create().catch((error: unknown) => {
      index = undefined;
      throw error;
    });
    return index;
  };
  return {
    upsert: async (namespace, records) => (await resolved()).upsert(namespace, records),
    query: async (namespace, vector, topK) => (await resolved()).query(namespace, vector, topK),
    fetch: async (namespace, ids) => (await resolved()).fetch(namespace, ids),
    delete: async (namespace, ids) => (await resolved()).delete(namespace, ids),
  };
}
