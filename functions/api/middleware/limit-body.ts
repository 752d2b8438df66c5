/**
 * Request body limit: over it, `payload_too_large` (413) before the body is parsed.
 * @module
 */
import { bodyLimit } from 'hono/body-limit';
import { AppError } from '../../../src/core/errors.js';

export function limitBody(maxBytes: number) {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new AppError('payload_too_large', `request body is over the limit of ${maxBytes} bytes`);
    },
  });
}
