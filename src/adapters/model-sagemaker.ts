/**
 * ModelClient over a SageMaker real-time endpoint (`InvokeEndpoint`, ContentType application/json) running the
 * model container. Same wire format as the HTTP adapter (model-container/wire.ts). SDK errors become `AppError`s:
 * a container error wrapped by SageMaker as `ModelError` keeps its original code; timeouts become
 * `ModelTimeoutError`; an endpoint that is missing, throttled or not ready becomes `model_unavailable`.
 * @module
 */
import { InvokeEndpointCommand, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { AppError, ModelTimeoutError } from '../core/errors.js';
import type { ModelClient } from '../core/ports.js';
import { DEFAULT_RETRY_AFTER_S, fromWireError, parseJsonOrUndefined } from '../../model-container/wire-error.js';
import {
  WireModelClient,
  type InvocationTransport,
  type WireModelClientOptions,
} from '../../model-container/wire-model-client.js';

export interface SageMakerModelClientOptions extends WireModelClientOptions {
  readonly endpointName: string;
  /** The inference component to invoke, on an endpoint that hosts components (e.g. one that scales to zero). */
  readonly inferenceComponentName?: string;
  /** AWS region; the SDK's default chain (`AWS_REGION`, set on Lambda) when absent. */
  readonly region?: string;
  /** Endpoint override, e.g. `http://127.0.0.1:8080` for the container run locally. @default the AWS endpoint */
  readonly endpoint?: string;
  /** Static credentials; the default provider chain (Lambda role) when absent. */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /**
   * Budget of one call, retries included. Keep it under the API's own limit (API Gateway HTTP APIs stop at 30 s).
   * @default 25000
   */
  readonly timeoutMs?: number;
  /** SDK attempts for retryable errors (throttling, 5xx). @default 2 */
  readonly maxAttempts?: number;
  /** Retry hint carried by timeout errors. @default 1 */
  readonly retryAfterS?: number;
}

/** Creates a ModelClient that invokes a SageMaker endpoint through `@aws-sdk/client-sagemaker-runtime`. */
export function createSageMakerModelClient(options: SageMakerModelClientOptions): ModelClient {
  return new WireModelClient(new SageMakerInvocationTransport(options), options);
}

/** Error names of the SageMaker runtime that mean "not now": the endpoint exists but cannot serve this call. */
const UNAVAILABLE_ERRORS = new Set([
  'ServiceUnavailable',
  'ModelNotReadyException',
  'InternalFailure',
  'InternalDependencyException',
  'ThrottlingException',
]);

class SageMakerInvocationTransport implements InvocationTransport {
  private readonly client: SageMakerRuntimeClient;
  private readonly endpointName: string;
  private readonly inferenceComponentName: string | undefined;
  private readonly timeoutMs: number;
  private readonly retryAfterS: number;

  constructor(options: SageMakerModelClientOptions) {
    this.endpointName = options.endpointName;
    this.inferenceComponentName = options.inferenceComponentName;
    this.timeoutMs = options.timeoutMs ?? 25_000;
    this.retryAfterS = options.retryAfterS ?? DEFAULT_RETRY_AFTER_S;
    this.client = new SageMakerRuntimeClient({
      ...(options.region ? { region: options.region } : {}),
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(options.credentials ? { credentials: options.credentials } : {}),
      maxAttempts: options.maxAttempts ?? 2,
      // Options of the SDK's own NodeHttpHandler: socket timeouts within the call's budget.
      requestHandler: { connectionTimeout: Math.min(this.timeoutMs, 5_000), requestTimeout: this.timeoutMs },
    });
  }

  async invoke(body: string): Promise<unknown> {
    const signal = AbortSignal.timeout(this.timeoutMs);
    let bytes: Uint8Array | undefined;
    try {
      const output = await this.client.send(
        new InvokeEndpointCommand({
          EndpointName: this.endpointName,
          ...(this.inferenceComponentName ? { InferenceComponentName: this.inferenceComponentName } : {}),
          Body: new TextEncoder().encode(body),
          ContentType: 'application/json',
          Accept: 'application/json',
        }),
        { abortSignal: signal },
      );
      bytes = output.Body;
    } catch (error) {
      throw this.translate(error, signal);
    }
    const json = bytes ? parseJsonOrUndefined(new TextDecoder().decode(bytes)) : undefined;
    if (json === undefined) throw new AppError('model_unavailable', 'model endpoint answered with a non-JSON body');
    return json;
  }

  private translate(error: unknown, signal: AbortSignal): AppError {
    const name = error instanceof Error ? error.name : '';
    if (signal.aborted || name === 'TimeoutError' || name === 'AbortError') {
      return new ModelTimeoutError(`model endpoint did not answer within ${this.timeoutMs} ms`, this.retryAfterS, {
        cause: error,
      });
    }
    if (name === 'ModelError') return this.translateModelError(error as ModelErrorFields);
    if (UNAVAILABLE_ERRORS.has(name)) {
      return new AppError('model_unavailable', `model endpoint ${this.endpointName} is unavailable (${name})`, {
        cause: error,
      });
    }
    const message = error instanceof Error ? error.message : String(error);
    return new AppError('model_unavailable', `model endpoint ${this.endpointName} failed: ${message}`, {
      cause: error,
    });
  }

  /** SageMaker wraps every non-2xx of the container as a 424 `ModelError` that carries the original body. */
  private translateModelError(error: ModelErrorFields): AppError {
    const original = parseJsonOrUndefined(error.OriginalMessage ?? '');
    const translated = fromWireError(original, { retryAfterS: this.retryAfterS, cause: error });
    if (translated) return translated;
    // No container body: SageMaker gave up waiting (its 60 s invocation timeout) or the container died.
    if (/timed out/i.test(error.message)) {
      return new ModelTimeoutError(`model endpoint timed out: ${error.message}`, this.retryAfterS, { cause: error });
    }
    return new AppError('model_unavailable', `model endpoint failed: ${error.message}`, { cause: error });
  }
}

interface ModelErrorFields extends Error {
  readonly OriginalStatusCode?: number;
  readonly OriginalMessage?: string;
}
