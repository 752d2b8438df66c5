/**
 * Records how many requests each `generate` batch of the in-process model held, to show what the micro-batcher actually
 * formed under load. It wraps the model's `generate` (which the in-process client's batcher calls per batch), so
 * the client the stack composed stays the one that serves.
 * @module
 */
import type { BatchableModel } from '../../src/adapters/model-in-process.js';

/** Batch sizes seen since the last `take()`. */
export interface BatchSizeLog {
  /** Returns the sizes recorded so far, in order, and starts a new record. */
  take(): number[];
}

/** Starts recording the batch sizes of `runtime.generate`. */
export function logBatchSizes(runtime: BatchableModel): BatchSizeLog {
  let sizes: number[] = [];
  const generate = runtime.generate.bind(runtime);
  runtime.generate = (requests) => {
    sizes.push(requests.length);
    return generate(requests);
  };
  return {
    take() {
      const taken = sizes;
      sizes = [];
      return taken;
    },
  };
}
