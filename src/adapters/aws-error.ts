/**
 * Translates AWS SDK v3 errors (S3, DynamoDB) into `AppError`s.
 * @module
 */
import { AppError } from '../core/errors.js';

/** What the AWS SDK v3 puts on a service error; `$metadata` is absent on network failures. */
interface AwsServiceErrorShape {
  readonly name?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

/** The error's service name (`NoSuchKey`, `ResourceNotFoundException`, ...), or undefined for non-service errors. */
export function awsErrorName(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('$metadata' in error)) return undefined;
  return (error as AwsServiceErrorShape).name;
}

/**
 * Wraps an AWS failure as `backend_unavailable`: a missing table or bucket, throttling, 5xx and network errors are
 * all faults of the deployment or the service, not of the caller. Callers map the few domain cases (`NoSuchKey`)
 * themselves, before calling this.
 */
export function translateAwsError(error: unknown, action: string): AppError {
  if (error instanceof AppError) return error;
  const name = awsErrorName(error);
  const status = (error as AwsServiceErrorShape | undefined)?.$metadata?.httpStatusCode;
  const detail = error instanceof Error ? error.message : String(error);
  const what = name ? `${name}${status ? ` (HTTP ${status})` : ''}: ${detail}` : detail;
  return new AppError('backend_unavailable', `${action} failed: ${what}`, { cause: error });
}
