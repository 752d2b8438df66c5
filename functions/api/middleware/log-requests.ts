/**
 * One structured log line per request (Powertools logger): request id, tenant, route, status and duration.
 * @module
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { createMiddleware } from 'hono/factory';
import { performance } from 'node:perf_hooks';
import type { ApiEnv } from '../api-env.js';

export function logRequests(logger: Logger) {
  return createMiddleware<ApiEnv>(async (c, next) => {
    const start = performance.now();
    await next();
    logger.info('request', {
      requestId: c.get('requestId'),
      tenant: c.get('tenant'),
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      durationMs: Math.round((performance.now() - start) * 100) / 100,
    });
  });
}
