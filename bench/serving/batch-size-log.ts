/**
 * Records how many requests each `generate` batch of a `ModelRuntime` held, to show what the micro-batcher actually
 * formed under load. It wraps the instance's `generate` (which the in-process client's batcher calls per batch), so
 * the client the stack composed stays the one that serves.
 * @module
 */
import type { ModelRuntime } from '../../src/core/model/index.js';

/** Batch sizes seen since the last `take()`. */
export interface BatchSizeLog {
  /** Returns the sizes recorded so far, in order, and starts a new record. */
  take(): number[];
}

/** Starts recording the batch sizes of `runtime.generate`. */
export function logBatchSizes(runtime: ModelRuntime): BatchSizeLog {
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
