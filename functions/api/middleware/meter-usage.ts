/**
 * Pay-per-use metering: every authenticated request counts once, with the model time and tokens its handler spent.
 * @module
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { createMiddleware } from 'hono/factory';
import type { UsageMeter } from '../../../src/core/ports.js';
import type { ApiEnv } from '../api-env.js';

/**
 * Records one usage record per request after the handler ran (errors included: the model time was spent).
 * A failing meter is logged, not turned into a failed answer.
 */
export function meterUsage(meter: UsageMeter, logger: Logger, now: () => Date = () => new Date()) {
  return createMiddleware<ApiEnv>(async (c, next) => {
    await next();
    const usage = c.get('modelUsage');
    const record = {
      tenant: c.get('tenant'),
      requests: 1,
      modelMs: usage?.modelMs ?? 0,
      promptTokens: usage?.promptTokens ?? 0,
      generatedTokens: usage?.generatedTokens ?? 0,
    };
    try {
      await meter.record(record, now());
    } catch (error) {
      logger.error('usage not recorded', { requestId: c.get('requestId'), usage: record, error: error as Error });
    }
  });
}
