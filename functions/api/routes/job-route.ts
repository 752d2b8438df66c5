/**
 * `GET /v1/ingest/jobs/{id}`: the status of one ingest job of the tenant.
 * @module
 */
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { NotFoundError } from '../../../src/core/errors.js';
import type { JobStore } from '../../../src/core/ports.js';
import type { ApiEnv } from '../api-env.js';
import { errorResponses, JobIdParamSchema, JobSchema } from '../api-schemas.js';
import { toJobResponse } from './knowledge-routes.js';

const route = createRoute({
  method: 'get',
  path: '/v1/ingest/jobs/{id}',
  tags: ['knowledge'],
  summary: 'Status of an ingest job: queued, done (with counts) or failed (with the reason)',
  security: [{ bearerAuth: [] }],
  request: { params: JobIdParamSchema },
  responses: {
    200: { description: 'The job', content: { 'application/json': { schema: JobSchema } } },
    ...errorResponses(400, 401, 404),
  },
});

export function registerJobRoute(app: OpenAPIHono<ApiEnv>, jobs: JobStore): void {
  app.openapi(route, async (c) => {
    const { id } = c.req.valid('param');
    const job = await jobs.get(c.get('tenant'), id);
    if (job === undefined) throw new NotFoundError(`no ingest job "${id}"`);
    return c.json(toJobResponse(job), 200);
  });
}
