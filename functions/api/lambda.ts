/**
 * The API Lambda handler: the Hono app behind API Gateway (HTTP API, payload v2) or a Function URL. Configuration is
 * parsed and the ports are built once per cold start.
 * @module
 */
import { handle } from 'hono/aws-lambda';
import { parseConfig } from '../../src/core/config.js';
import { createApp } from './app.js';
import { composeServices } from './compose-services.js';
import { createLogger } from './create-logger.js';

const config = parseConfig(process.env);
const logger = createLogger('rablip-api', config.logLevel);
const services = await composeServices(config);

export const handler = handle(createApp({ services, config, logger }));
