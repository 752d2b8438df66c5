/**
 * The Hono environment of the API: what middleware puts on the context for the handlers after it.
 * @module
 */
import type { ApiKeyStore, UsageMeter } from '../../src/core/ports.js';
import type { IngestServices } from '../../src/core/pipeline/index.js';

/** Model work done for one request, metered per tenant. */
export interface ModelUsage {
  readonly modelMs: number;
  readonly promptTokens: number;
  readonly generatedTokens: number;
}

export interface ApiEnv {
  Variables: {
    /** Set by the request-id middleware on every request. */
    requestId: string;
    /** Set by the API-key middleware on `/v1/*`. */
    tenant: string;
    /** Set by handlers that ran the model. */
    modelUsage?: ModelUsage;
  };
}

/** Every port the API uses. */
export interface ApiServices extends IngestServices {
  readonly usage: UsageMeter;
  readonly apiKeys: ApiKeyStore;
}
