/**
 * `GET /healthz`: the API process answers. Deliberately touches no backend, so a slow model never fails the probe.
 * @module
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { ApiEnv } from '../api-env.js';

const route = createRoute({
  method: 'get',
  path: '/healthz',
  tags: ['health'],
  summary: 'Liveness',
  responses: {
    200: {
      description: 'Alive',
      content: { 'application/json': { schema: z.object({ status: z.literal('ok') }) } },
    },
  },
});

export function registerHealthRoute(app: OpenAPIHono<ApiEnv>): void {
  app.openapi(route, (c) => c.json({ status: 'ok' as const }, 200));
}
