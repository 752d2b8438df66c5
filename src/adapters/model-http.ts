/**
 * ModelClient over plain HTTP to the model container (`POST {url}/invocations`), e.g. the container run locally
 * with `npm run container` or on any host. Same wire format as the SageMaker adapter (model-container/wire.ts).
 * @module
 */
import { AppError, ModelTimeoutError } from '../core/errors.js';
import type { ModelClient } from '../core/ports.js';
import { DEFAULT_RETRY_AFTER_S, fromWireError, parseJsonOrUndefined } from '../../model-container/wire-error.js';
import {
  WireModelClient,
  type InvocationTransport,
  type WireModelClientOptions,
} from '../../model-container/wire-model-client.js';

export interface HttpModelClientOptions extends WireModelClientOptions {
  /** Base URL of the container, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  /** Per-call budget; past it the call fails with `ModelTimeoutError`. @default 30000 */
  readonly timeoutMs?: number;
  /** Retry hint carried by timeout errors. @default 1 */
  readonly retryAfterS?: number;
  /** Injected fetch, for tests. @default globalThis.fetch */
  readonly fetch?: typeof fetch;
}

/** Creates a ModelClient that calls the container's `/invocations` over HTTP. */
export function createHttpModelClient(options: HttpModelClientOptions): ModelClient {
  return new WireModelClient(new HttpInvocationTransport(options), options);
}

class HttpInvocationTransport implements InvocationTransport {
  private readonly endpoint: string;
  private readonly timeoutMs: number;
  private readonly retryAfterS: number;
  private readonly fetch: typeof fetch;

  constructor(options: HttpModelClientOptions) {
    this.endpoint = new URL('invocations', options.url.endsWith('/') ? options.url : `${options.url}/`).toString();
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.retryAfterS = options.retryAfterS ?? DEFAULT_RETRY_AFTER_S;
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  async invoke(body: string): Promise<unknown> {
    const signal = AbortSignal.timeout(this.timeoutMs);
    let text: string;
    let status: number;
    try {
      const response = await this.fetch(this.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body,
        signal,
      });
      status = response.status;
      text = await response.text();
    } catch (error) {
      throw this.translate(error, signal);
    }
    const json = parseJsonOrUndefined(text);
    if (status < 200 || status >= 300) {
      throw (
        fromWireError(json, { retryAfterS: this.retryAfterS }) ??
        new AppError('model_unavailable', `model container answered HTTP ${status}`)
      );
    }
    if (json === undefined) throw new AppError('model_unavailable', 'model container answered with a non-JSON body');
    return json;
  }

  private translate(error: unknown, signal: AbortSignal): AppError {
    if (signal.aborted) {
      return new ModelTimeoutError(`model container did not answer within ${this.timeoutMs} ms`, this.retryAfterS, {
        cause: error,
      });
    }
    return new AppError('model_unavailable', `model container at ${this.endpoint} is unreachable`, { cause: error });
  }
}
