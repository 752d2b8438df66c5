/**
 * The HTTP API as one Hono app, shared by the Lambda handler and the local server. Middleware, in order: request id
 * (every response), request log, then on `/v1/*` body limit, API key -> tenant, usage metering. One `onError` maps
 * every error to a status. The OpenAPI document is at `/openapi.json`, Swagger UI at `/docs`.
 * @module
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { swaggerUI } from '@hono/swagger-ui';
import { OpenAPIHono } from '@hono/zod-openapi';
import { requestId } from 'hono/request-id';
import type { Config } from '../../src/core/config.js';
import { NotFoundError } from '../../src/core/errors.js';
import type { ApiEnv, ApiServices } from './api-env.js';
import { authenticateApiKey } from './middleware/authenticate-api-key.js';
import { handleError } from './middleware/handle-error.js';
import { limitBody } from './middleware/limit-body.js';
import { logRequests } from './middleware/log-requests.js';
import { meterUsage } from './middleware/meter-usage.js';
import { validationHook } from './middleware/validation-hook.js';
import { registerAnswerRoute } from './routes/answer-route.js';
import { registerHealthRoute } from './routes/health-route.js';
import { registerJobRoute } from './routes/job-route.js';
import { registerKnowledgeRoutes } from './routes/knowledge-routes.js';
import { registerUsageRoute } from './routes/usage-route.js';

export interface AppDependencies {
  readonly services: ApiServices;
  readonly config: Config;
  readonly logger: Logger;
  /** @default () => new Date() */
  readonly now?: () => Date;
}

/** Builds the API. Static files (the web page) are mounted by the local entry, after these routes. */
export function createApp({ services, config, logger, now = () => new Date() }: AppDependencies): OpenAPIHono<ApiEnv> {
  const app = new OpenAPIHono<ApiEnv>({ defaultHook: validationHook });
  app.use('*', requestId());
  app.use('*', logRequests(logger));
  app.use('/v1/*', limitBody(config.limits.maxBodyBytes));
  app.use('/v1/*', authenticateApiKey(services.apiKeys));
  app.use('/v1/*', meterUsage(services.usage, logger, now));

  registerHealthRoute(app);
  registerAnswerRoute(app, services, config);
  registerKnowledgeRoutes(app, services, config);
  registerJobRoute(app, services.jobs);
  registerUsageRoute(app, services.usage, now);

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer' });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'RA-BLIP as a service',
      version: '1',
      description: 'Multimodal retrieval-augmented question answering with relevance-aware generation (ASKG).',
    },
  });
  app.get('/docs', swaggerUI({ url: '/openapi.json' }));
  app.onError(handleError(logger));
  app.notFound((c) => {
    throw new NotFoundError(`no route ${c.req.method} ${c.req.path}`);
  });
  return app;
}
