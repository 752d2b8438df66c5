/**
 * The one error family of the domain. Each error carries a stable `code`; HTTP statuses live only in
 * `functions/api` (a `Record<ErrorCode, status>` table), retry-or-dead-letter decisions in `functions/ingest`.
 * @module
 */

export type ErrorCode =
  | 'invalid_input'
  | 'invalid_image'
  | 'invalid_knowledge'
  | 'payload_too_large'
  | 'bundle_mismatch'
  | 'not_found'
  | 'unauthorized'
  | 'quota_exceeded'
  | 'model_timeout'
  | 'model_unavailable'
  | 'backend_unavailable';

export class AppError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'AppError';
    this.code = code;
  }
}

/** A model bundle whose manifest or graphs disagree; names the graph, the tensor, and both shapes. */
export class BundleMismatchError extends AppError {
  readonly graph: string;
  readonly tensor: string | undefined;

  constructor(message: string, details: { graph: string; tensor?: string }, options?: ErrorOptions) {
    super('bundle_mismatch', message, options);
    this.name = 'BundleMismatchError';
    this.graph = details.graph;
    this.tensor = details.tensor;
  }
}

/** An input image that cannot be used: not an image, an unsupported format, or too many pixels. */
export class InvalidImageError extends AppError {
  constructor(message: string, options?: ErrorOptions) {
    super('invalid_image', message, options);
    this.name = 'InvalidImageError';
  }
}

export class NotFoundError extends AppError {
  constructor(message: string, options?: ErrorOptions) {
    super('not_found', message, options);
    this.name = 'NotFoundError';
  }
}

/** The model did not answer in time; callers may retry after `retryAfterS`. */
export class ModelTimeoutError extends AppError {
  readonly retryAfterS: number;

  constructor(message: string, retryAfterS: number, options?: ErrorOptions) {
    super('model_timeout', message, options);
    this.name = 'ModelTimeoutError';
    this.retryAfterS = retryAfterS;
  }
}
