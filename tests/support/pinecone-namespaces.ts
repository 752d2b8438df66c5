/**
 * The data behind the Pinecone emulator: namespaces of dense vectors with metadata, searched by brute force.
 * Bodies arrive already checked against the OpenAPI schema; this adds the rules the schema cannot state, from
 * https://docs.pinecone.io/reference/api/database-limits/operation-limits.
 * @module
 */

/** Similarity of the emulated index. */
export type PineconeMetric = 'dotproduct' | 'cosine';

interface StoredVector {
  readonly values: number[];
  readonly metadata?: Record<string, unknown>;
}

interface Reply {
  readonly status: number;
  readonly body: unknown;
}

const MAX_VECTORS_PER_UPSERT = 1000;
const MAX_METADATA_BYTES = 40_960;
const MAX_RESULT_BYTES = 4 * 1024 * 1024;
const USAGE = { readUnits: 1 };

function badRequest(message: string): Reply {
  return { status: 400, body: { code: 3, message } };
}

/** Namespaces of one index, with the semantics of a serverless index. */
export class PineconeNamespaces {
  private readonly namespaces = new Map<string, Map<string, StoredVector>>();

  constructor(
    private readonly dimension: number,
    private readonly metric: PineconeMetric,
  ) {}

  upsert(body: Record<string, unknown>): Reply {
    const vectors = body.vectors as { id: string; values?: number[]; metadata?: Record<string, unknown> }[];
    if (vectors.length === 0 || vectors.length > MAX_VECTORS_PER_UPSERT) {
      return badRequest(`an upsert holds 1 to ${MAX_VECTORS_PER_UPSERT} vectors, got ${vectors.length}`);
    }
    for (const vector of vectors) {
      const length = vector.values?.length ?? 0;
      if (length !== this.dimension) {
        return badRequest(`Vector dimension ${length} does not match the dimension of the index ${this.dimension}`);
      }
      const problem = vector.metadata ? metadataProblem(vector.metadata) : undefined;
      if (problem) return badRequest(`metadata of ${vector.id}: ${problem}`);
    }
    const target = this.namespace(String(body.namespace ?? ''), true);
    for (const vector of vectors) {
      target.set(vector.id, { values: vector.values ?? [], ...(vector.metadata && { metadata: vector.metadata }) });
    }
    return { status: 200, body: { upsertedCount: vectors.length } };
  }

  query(body: Record<string, unknown>): Reply {
    if (body.filter !== undefined || body.queries !== undefined || body.sparseVector !== undefined) {
      return badRequest('the emulator serves dense queries without filters only');
    }
    if ((body.vector === undefined) === (body.id === undefined)) return badRequest('give exactly one of vector and id');
    const namespace = String(body.namespace ?? '');
    const stored = this.namespace(namespace, false);
    const byId = typeof body.id === 'string' ? stored?.get(body.id)?.values : undefined;
    const vector = (body.vector as number[] | undefined) ?? byId;
    if (!vector) return { status: 200, body: { matches: [], namespace, usage: USAGE } };
    if (vector.length !== this.dimension) {
      return badRequest(
        `Query vector dimension ${vector.length} does not match the dimension of the index ${this.dimension}`,
      );
    }
    const matches = [...(stored ?? new Map<string, StoredVector>()).entries()]
      .map(([id, record]) => ({ id, record, score: this.score(vector, record.values) }))
      .sort((a, b) => b.score - a.score)
      .slice(0, Number(body.topK))
      .map(({ id, record, score }) => ({
        id,
        score,
        values: body.includeValues === true ? record.values : [],
        ...(body.includeMetadata === true && record.metadata && { metadata: record.metadata }),
      }));
    const result = { matches, namespace, usage: USAGE };
    const bytes = Buffer.byteLength(JSON.stringify(result));
    if (bytes > MAX_RESULT_BYTES)
      return badRequest(`query result of ${bytes} bytes exceeds the 4 MB limit; lower topK`);
    return { status: 200, body: result };
  }

  fetch(query: Record<string, unknown>): Reply {
    const namespace = String(query.namespace ?? '');
    const ids = query.ids as string[];
    if (ids.length > MAX_VECTORS_PER_UPSERT) return badRequest(`fetch takes at most 1000 ids, got ${ids.length}`);
    const stored = this.namespace(namespace, false);
    const vectors: Record<string, unknown> = {};
    for (const id of ids) {
      const record = stored?.get(id);
      if (record) vectors[id] = { id, values: record.values, ...(record.metadata && { metadata: record.metadata }) };
    }
    return { status: 200, body: { vectors, namespace, usage: USAGE } };
  }

  /** Serverless answers 404 when the namespace does not exist (pinecone-io/pinecone-ts-client#324). */
  delete(body: Record<string, unknown>): Reply {
    if (body.filter !== undefined) return badRequest('the emulator does not delete by filter');
    const namespace = String(body.namespace ?? '');
    const stored = this.namespace(namespace, false);
    if (!stored) return { status: 404, body: { code: 5, message: `Namespace not found: ${namespace}` } };
    if (body.deleteAll === true) {
      this.namespaces.delete(namespace);
    } else {
      const ids = (body.ids as string[] | undefined) ?? [];
      if (ids.length === 0 || ids.length > MAX_VECTORS_PER_UPSERT) return badRequest('delete takes 1 to 1000 ids');
      for (const id of ids) stored.delete(id);
    }
    return { status: 200, body: {} };
  }

  describeStats(): Reply {
    const namespaces = Object.fromEntries(
      [...this.namespaces].map(([name, stored]) => [name, { vectorCount: stored.size }]),
    );
    const totalVectorCount = [...this.namespaces.values()].reduce((sum, stored) => sum + stored.size, 0);
    return {
      status: 200,
      body: {
        namespaces,
        dimension: this.dimension,
        indexFullness: 0,
        totalVectorCount,
        metric: this.metric,
        vectorType: 'dense',
      },
    };
  }

  private namespace(name: string, create: true): Map<string, StoredVector>;
  private namespace(name: string, create: false): Map<string, StoredVector> | undefined;
  private namespace(name: string, create: boolean): Map<string, StoredVector> | undefined {
    let stored = this.namespaces.get(name);
    if (!stored && create) {
      stored = new Map();
      this.namespaces.set(name, stored);
    }
    return stored;
  }

  private score(a: readonly number[], b: readonly number[]): number {
    let dot = 0;
    let normA = 0;
    let normB = 0;
    for (let i = 0; i < a.length; i++) {
      dot += (a[i] as number) * (b[i] as number);
      normA += (a[i] as number) ** 2;
      normB += (b[i] as number) ** 2;
    }
    return this.metric === 'cosine' ? dot / (Math.sqrt(normA * normB) || 1) : dot;
  }
}

/** Metadata values are strings, numbers, booleans or lists of strings; no nulls; at most 40 KB as JSON. */
function metadataProblem(metadata: Record<string, unknown>): string | undefined {
  const bytes = Buffer.byteLength(JSON.stringify(metadata));
  if (bytes > MAX_METADATA_BYTES) return `${bytes} bytes exceeds the limit of ${MAX_METADATA_BYTES}`;
  for (const [key, value] of Object.entries(metadata)) {
    const isScalar = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
    const isStringList = Array.isArray(value) && value.every((item) => typeof item === 'string');
    if (!isScalar && !isStringList) return `value of ${key} must be a string, number, boolean or list of strings`;
  }
  return undefined;
}
