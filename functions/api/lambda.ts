/**
 * The API Lambda handler: the Hono app behind API Gateway (HTTP API, payload v2) or a Function URL. Configuration is
 * parsed and the ports are built once per cold start, on the first invocation (no top-level await, so the bundle
 * may be ESM or CommonJS).
 * @module
 */
import type { Context } from 'aws-lambda';
import { handle, type LambdaEvent } from 'hono/aws-lambda';
import { parseConfig } from '../../src/core/config.js';
import { createApp } from './app.js';
import { composeCloudServices } from './compose-cloud-services.js';
import { createLogger } from './create-logger.js';

type ApiHandler = ReturnType<typeof handle>;

let configured: ApiHandler | undefined;

function configureFromEnvironment(): ApiHandler {
  const config = parseConfig(process.env);
  const logger = createLogger('rablip-api', config.logLevel);
  const services = composeCloudServices(config);
  return handle(createApp({ services, config, logger }));
}

/** The Lambda entry (`functions/api/lambda.handler`). */
export async function handler(event: LambdaEvent, context: Context): Promise<Awaited<ReturnType<ApiHandler>>> {
  configured ??= configureFromEnvironment();
  return configured(event, context);
}
