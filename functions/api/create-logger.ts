/**
 * The structured logger (Powertools) of each entry point: JSON lines with service name, level and timestamp.
 * @module
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { Config } from '../../src/core/config.js';

export function createLogger(serviceName: string, level: Config['logLevel']): Logger {
  return new Logger({ serviceName, logLevel: level });
}
