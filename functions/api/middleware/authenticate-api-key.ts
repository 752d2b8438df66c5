/**
 * `Authorization: Bearer <key>` -> tenant. The key is hashed before the lookup; only hashes are stored.
 * @module
 */
import { createMiddleware } from 'hono/factory';
import { AppError } from '../../../src/core/errors.js';
import type { ApiKeyStore } from '../../../src/core/ports.js';
import type { ApiEnv } from '../api-env.js';
import { hashApiKey } from '../api-key.js';

const BEARER = /^Bearer\s+(\S{16,512})$/i;

/** Sets `tenant` from the bearer key, or fails the request with `unauthorized` (401). */
export function authenticateApiKey(apiKeys: ApiKeyStore) {
  return createMiddleware<ApiEnv>(async (c, next) => {
    const key = BEARER.exec(c.req.header('authorization') ?? '')?.[1];
    if (key === undefined) throw new AppError('unauthorized', 'send an API key as "Authorization: Bearer <key>"');
    const tenant = await apiKeys.tenantOf(hashApiKey(key));
    if (tenant === undefined) throw new AppError('unauthorized', 'unknown API key');
    c.set('tenant', tenant);
    await next();
  });
}
