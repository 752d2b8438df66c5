/**
 * One structured log line per request (Powertools logger): request id, tenant, route, status and duration.
 *
 * Under `@hono/node-server` the line is written once the response has gone out (Node's `close` of the response, which
 * follows `finish`, or a dropped connection), as an access log does: the client does not wait for it, and the
 * duration covers the write. Where the app returns a `Response` to its caller (the Lambda handler, `app.request`),
 * the line is written before it returns: a Lambda may be frozen as soon as it has answered.
 * @module
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { createMiddleware } from 'hono/factory';
import { performance } from 'node:perf_hooks';
import type { ApiEnv } from '../api-env.js';
import { nodeOutgoing } from '../node-bindings.js';

export function logRequests(logger: Logger) {
  return createMiddleware<ApiEnv>(async function logRequests(c, next) {
    const start = performance.now();
    await next();
    const write = (): void =>
      logger.info('request', {
        requestId: c.get('requestId'),
        tenant: c.get('tenant'),
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        durationMs: Math.round((performance.now() - start) * 100) / 100,
      });
    const outgoing = nodeOutgoing(c.env);
    if (outgoing === undefined) write();
    else outgoing.once('close', write);
  });
}
