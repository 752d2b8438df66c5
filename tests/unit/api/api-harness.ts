/**
 * The API app over in-memory fakes, with two tenants' keys, for `app.request()` tests.
 * @module
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { hashApiKey } from '../../../functions/api/api-key.js';
import { createApp } from '../../../functions/api/app.js';
import { parseConfig } from '../../../src/core/config.js';
import type { FakeModelOptions } from '../../support/fakes/fake-model-client.js';
import { fakeServices } from '../../support/fakes/fake-services.js';
import { MemoryApiKeyStore } from '../../support/fakes/memory-api-key-store.js';
import { MemoryUsageMeter } from '../../support/fakes/memory-usage-meter.js';

export const ACME_KEY = 'acme-key-0123456789abcdef';
export const GLOBEX_KEY = 'globex-key-0123456789abcdef';

export async function apiHarness(options: { env?: Record<string, string>; model?: FakeModelOptions } = {}) {
  const base = fakeServices(options.model);
  const services = { ...base, usage: new MemoryUsageMeter(), apiKeys: new MemoryApiKeyStore() };
  await services.apiKeys.put(hashApiKey(ACME_KEY), 'acme');
  await services.apiKeys.put(hashApiKey(GLOBEX_KEY), 'globex');
  const config = parseConfig(options.env ?? {});
  const logger = new Logger({ serviceName: 'api-test', logLevel: 'SILENT' });
  const app = createApp({ services, config, logger, now: base.now });

  /** A request with a tenant's key and a JSON body. */
  function call(method: string, path: string, body?: unknown, key: string | null = ACME_KEY): Promise<Response> {
    const headers: Record<string, string> = {};
    if (key !== null) headers.authorization = `Bearer ${key}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    return Promise.resolve(
      app.request(path, { method, headers, ...(body !== undefined && { body: JSON.stringify(body) }) }),
    );
  }
  return { app, services, config, call };
}

export function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}
