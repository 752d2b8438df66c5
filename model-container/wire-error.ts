/**
 * Errors on the wire, both directions: the container turns a thrown error into a `WireError` body with a stable
 * `code`, and the remote clients turn that body back into the same `AppError` subclass, so an `invalid_image` raised
 * inside the container reaches the API as an `InvalidImageError`.
 * @module
 */
import { AppError, InvalidImageError, ModelTimeoutError, NotFoundError, type ErrorCode } from '../src/core/errors.js';
import { wireErrorSchema, type WireError } from './wire.js';

/** Every code of `ErrorCode`, as a value; a new code that is missing here fails to compile. */
const ERROR_CODES: Record<ErrorCode, true> = {
  invalid_input: true,
  invalid_image: true,
  invalid_knowledge: true,
  payload_too_large: true,
  bundle_mismatch: true,
  not_found: true,
  unauthorized: true,
  quota_exceeded: true,
  model_timeout: true,
  model_unavailable: true,
  backend_unavailable: true,
};

/** Seconds a caller should wait before retrying a timed-out model call, unless told otherwise. */
export const DEFAULT_RETRY_AFTER_S = 1;

function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_CODES, code);
}

/** The wire body of a thrown error. Errors that are not `AppError`s are reported without their message. */
export function toWireError(error: unknown): { code: ErrorCode; body: WireError } {
  if (error instanceof AppError) {
    return { code: error.code, body: { error: { code: error.code, message: error.message } } };
  }
  return { code: 'model_unavailable', body: { error: { code: 'model_unavailable', message: 'internal model error' } } };
}

/** How a client reads a container error: the retry hint for timeouts, and the transport error behind it. */
export interface WireErrorContext {
  readonly retryAfterS: number;
  readonly cause?: unknown;
}

/**
 * The `AppError` that a container error body stands for, or undefined when the body is not a `WireError` (a proxy
 * page, a truncated reply): the caller then reports the transport failure itself.
 */
export function fromWireError(body: unknown, context: WireErrorContext): AppError | undefined {
  const parsed = wireErrorSchema.safeParse(body);
  if (!parsed.success) return undefined;
  const { code, message } = parsed.data.error;
  return appErrorForCode(code, `model container: ${message}`, context);
}

/** The `AppError` subclass of an error code (an unknown code becomes `model_unavailable`, naming the code). */
export function appErrorForCode(code: string, message: string, context: WireErrorContext): AppError {
  const options = context.cause === undefined ? undefined : { cause: context.cause };
  if (!isErrorCode(code)) return new AppError('model_unavailable', `${message} (code ${code})`, options);
  switch (code) {
    case 'invalid_image':
      return new InvalidImageError(message, options);
    case 'not_found':
      return new NotFoundError(message, options);
    case 'model_timeout':
      return new ModelTimeoutError(message, context.retryAfterS, options);
    default:
      return new AppError(code, message, options);
  }
}

/** Parses a body text as JSON, or returns undefined (error bodies are not always JSON). */
export function parseJsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
