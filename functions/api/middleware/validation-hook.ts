/**
 * What the OpenAPI routes do with a request that fails its schema: `invalid_input` (400) naming each field.
 * @module
 */
import type { z } from 'zod';
import { AppError } from '../../../src/core/errors.js';
import { describeZodError } from '../../../src/core/knowledge/index.js';

/** The `defaultHook` of the OpenAPIHono app. */
export function validationHook(result: { success: true } | { success: false; error: z.ZodError }): void {
  if (!result.success) throw new AppError('invalid_input', describeZodError(result.error));
}
