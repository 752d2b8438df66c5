/**
 * The HTTP status of each error code: the one table shared by the API's error handler and the model container
 * (which reports it to SageMaker as `OriginalStatusCode`). A new ErrorCode without a status fails to compile.
 * @module
 */
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ErrorCode } from '../../src/core/errors.js';

export const STATUS_BY_CODE: Record<ErrorCode, ContentfulStatusCode> = {
  invalid_input: 400,
  invalid_image: 400,
  invalid_knowledge: 400,
  payload_too_large: 413,
  bundle_mismatch: 500,
  not_found: 404,
  unauthorized: 401,
  quota_exceeded: 429,
  model_timeout: 503,
  model_unavailable: 503,
  backend_unavailable: 503,
};
