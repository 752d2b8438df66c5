/**
 * `GET /v1/usage`: the tenant's metered usage per UTC day (requests, model ms, tokens).
 * @module
 */
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { AppError } from '../../../src/core/errors.js';
import type { UsageMeter } from '../../../src/core/ports.js';
import type { ApiEnv } from '../api-env.js';
import { errorResponses, UsageQuerySchema, UsageResponseSchema } from '../api-schemas.js';

/** Days shown when the query names none. */
const DEFAULT_DAYS = 30;
const DAY_MS = 86_400_000;

const route = createRoute({
  method: 'get',
  path: '/v1/usage',
  tags: ['usage'],
  summary: 'Metered usage of the caller’s tenant, per UTC day',
  security: [{ bearerAuth: [] }],
  request: { query: UsageQuerySchema },
  responses: {
    200: { description: 'Usage totals', content: { 'application/json': { schema: UsageResponseSchema } } },
    ...errorResponses(400, 401),
  },
});

export function registerUsageRoute(app: OpenAPIHono<ApiEnv>, meter: UsageMeter, now: () => Date): void {
  app.openapi(route, async (c) => {
    const query = c.req.valid('query');
    const today = now();
    const to = query.to ?? today.toISOString().slice(0, 10);
    const from = query.from ?? new Date(today.getTime() - (DEFAULT_DAYS - 1) * DAY_MS).toISOString().slice(0, 10);
    if (from > to) throw new AppError('invalid_input', `from (${from}) is after to (${to})`);
    const tenant = c.get('tenant');
    const days = (await meter.totals(tenant, from, to)).map(({ tenant: _tenant, ...day }) => day);
    const total = days.reduce(
      (sum, day) => ({
        requests: sum.requests + day.requests,
        modelMs: sum.modelMs + day.modelMs,
        promptTokens: sum.promptTokens + day.promptTokens,
        generatedTokens: sum.generatedTokens + day.generatedTokens,
      }),
      { requests: 0, modelMs: 0, promptTokens: 0, generatedTokens: 0 },
    );
    return c.json({ tenant, from, to, total, days }, 200);
  });
}
