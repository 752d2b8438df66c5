/**
 * The one place where errors become HTTP responses: `{ error: { code, message, requestId } }` with the status from
 * STATUS_BY_CODE (`../status-by-code.ts`). A new ErrorCode without a status here fails to compile.
 * @module
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Context, ErrorHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { AppError, ModelTimeoutError, type ErrorCode } from '../../../src/core/errors.js';
import { MODEL_RETRY_AFTER_S } from '../../../src/core/pipeline/index.js';
import type { ApiEnv } from '../api-env.js';
import { STATUS_BY_CODE } from '../status-by-code.js';

/** Codes a client may retry after a pause; they carry `Retry-After`. */
const RETRYABLE: ReadonlySet<ErrorCode> = new Set(['model_timeout', 'model_unavailable', 'backend_unavailable']);

function errorBody(c: Context<ApiEnv>, code: string, message: string) {
  return { error: { code, message, requestId: c.get('requestId') } };
}

/** Hono's own HTTP errors (malformed JSON, unsupported media type) keep their status, with our body. */
function fromHttpException(error: HTTPException, c: Context<ApiEnv>): Response {
  const status = error.status as ContentfulStatusCode;
  const code = status === 413 ? 'payload_too_large' : status === 401 ? 'unauthorized' : 'invalid_input';
  return c.json(errorBody(c, code, error.message || 'bad request'), status);
}

/** The app's `onError`. 5xx are logged with their cause; 4xx are the caller's and are not. */
export function handleError(logger: Logger): ErrorHandler<ApiEnv> {
  return (error, c) => {
    if (error instanceof HTTPException) return fromHttpException(error, c);
    if (!(error instanceof AppError)) {
      logger.error('unhandled error', { requestId: c.get('requestId'), error });
      return c.json(errorBody(c, 'internal', 'internal error'), 500);
    }
    const status = STATUS_BY_CODE[error.code];
    if (status >= 500) logger.error('request failed', { requestId: c.get('requestId'), code: error.code, error });
    if (RETRYABLE.has(error.code)) {
      const retryAfterS = error instanceof ModelTimeoutError ? error.retryAfterS : MODEL_RETRY_AFTER_S;
      c.header('Retry-After', String(retryAfterS));
    }
    if (error.code === 'unauthorized') c.header('WWW-Authenticate', 'Bearer');
    return c.json(errorBody(c, error.code, error.message), status);
  };
}
