/**
 * A deadline on one model call, so that every model client (in-process, container, SageMaker) times out the same way.
 * @module
 */
import { ModelTimeoutError } from '../errors.js';

/** How long a caller should wait before retrying after a timeout: a slow model usually drains its queue in seconds. */
export const MODEL_RETRY_AFTER_S = 5;

/**
 * Resolves with `call`'s result, or rejects with ModelTimeoutError after `timeoutMs` (no deadline when undefined). The
 * call itself keeps running (an in-process session cannot be cancelled); its late result is dropped.
 */
export async function withModelDeadline<T>(call: Promise<T>, timeoutMs: number | undefined, what: string): Promise<T> {
  if (timeoutMs === undefined) return call;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new ModelTimeoutError(`model did not finish ${what} within ${timeoutMs} ms`, MODEL_RETRY_AFTER_S)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([call, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
