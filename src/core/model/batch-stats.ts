/**
 * Counters of the dynamic micro-batching, per operation: how many requests arrived, how many model calls ran, and
 * how large those calls were. Served on `GET /stats`, so tests and operators can see that batching happens.
 * @module
 */

/** The counters of one operation. */
export interface OperationBatchStats {
  /** Requests (invocations) that reached the model. */
  readonly requests: number;
  /** Model calls that served them; `requests / batches` is the mean batching factor. */
  readonly batches: number;
  /** Requests in the largest batch so far. */
  readonly maxBatchSize: number;
  /** Batch size -> number of batches of that size. */
  readonly histogram: Readonly<Record<string, number>>;
}

export type BatchStatsSnapshot = Readonly<Record<string, OperationBatchStats>>;

/** Mutable counters behind `BatchStatsSnapshot`. */
export class BatchStats {
  private readonly byOperation = new Map<
    string,
    { requests: number; batches: number; max: number; hist: Map<number, number> }
  >();

  /** Records one model call of `operation` that served `requests` requests. */
  recordBatch(operation: string, requests: number): void {
    const entry = this.byOperation.get(operation) ?? { requests: 0, batches: 0, max: 0, hist: new Map() };
    entry.requests += requests;
    entry.batches += 1;
    entry.max = Math.max(entry.max, requests);
    entry.hist.set(requests, (entry.hist.get(requests) ?? 0) + 1);
    this.byOperation.set(operation, entry);
  }

  snapshot(): BatchStatsSnapshot {
    const out: Record<string, OperationBatchStats> = {};
    for (const [operation, e] of this.byOperation) {
      out[operation] = {
        requests: e.requests,
        batches: e.batches,
        maxBatchSize: e.max,
        histogram: Object.fromEntries([...e.hist].sort(([a], [b]) => a - b).map(([size, n]) => [String(size), n])),
      };
    }
    return out;
  }
}
