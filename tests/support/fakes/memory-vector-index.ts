/**
 * An in-memory VectorIndex for unit tests of logic: exact inner-product search, namespaces kept apart.
 * @module
 */
import type { VectorIndex, VectorMatch, VectorRecord } from '../../../src/core/ports.js';

export class MemoryVectorIndex implements VectorIndex {
  readonly namespaces = new Map<string, Map<string, VectorRecord>>();
  /** Every upserted record, in order, to count writes. */
  readonly upserts: VectorRecord[] = [];

  private space(namespace: string): Map<string, VectorRecord> {
    let records = this.namespaces.get(namespace);
    if (records === undefined) {
      records = new Map();
      this.namespaces.set(namespace, records);
    }
    return records;
  }

  async upsert(namespace: string, records: readonly VectorRecord[]): Promise<void> {
    for (const record of records) {
      this.space(namespace).set(record.id, { ...record, values: Float32Array.from(record.values) });
      this.upserts.push(record);
    }
  }

  async query(namespace: string, vector: Float32Array, topK: number): Promise<VectorMatch[]> {
    return [...this.space(namespace).values()]
      .map((record) => ({
        id: record.id,
        score: record.values.reduce((sum, value, i) => sum + value * (vector[i] ?? 0), 0),
        metadata: record.metadata,
      }))
      .sort((a, b) => b.score - a.score)
      .slice(0, topK);
  }

  async fetch(namespace: string, ids: readonly string[]): Promise<VectorRecord[]> {
    return ids.flatMap((id) => {
      const record = this.space(namespace).get(id);
      return record ? [record] : [];
    });
  }

  async delete(namespace: string, ids: readonly string[]): Promise<void> {
    for (const id of ids) this.space(namespace).delete(id);
  }

  /** Number of records in a namespace. */
  size(namespace: string): number {
    return this.space(namespace).size;
  }
}
