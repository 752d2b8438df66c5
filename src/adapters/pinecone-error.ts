/**
 * Translates Pinecone SDK errors into `AppError`s, so nothing above the adapter knows the SDK.
 * @module
 */
import { Errors } from '@pinecone-database/pinecone';
import { AppError, NotFoundError } from '../core/errors.js';

/**
 * Maps one SDK error:
 * - 400/422 and the SDK's own argument checks become `invalid_input` (e.g. a vector of the wrong dimension);
 * - 404 becomes `not_found` (an unknown index name or host path);
 * - everything else (401/403 from a bad key, 429, 5xx after the SDK's retries, connection failures) becomes
 *   `backend_unavailable`: the caller cannot fix it, and a retry later may succeed.
 */
export function translatePineconeError(error: unknown, action: string): AppError {
  if (error instanceof AppError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  const message = `Pinecone ${action} failed: ${detail}`;
  if (
    error instanceof Errors.PineconeBadRequestError ||
    error instanceof Errors.PineconeUnprocessableEntityError ||
    error instanceof Errors.PineconeArgumentError
  ) {
    return new AppError('invalid_input', message, { cause: error });
  }
  if (error instanceof Errors.PineconeNotFoundError) return new NotFoundError(message, { cause: error });
  return new AppError('backend_unavailable', message, { cause: error });
}
