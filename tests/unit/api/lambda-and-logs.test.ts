import { Logger } from '@aws-lambda-powertools/logger';
import { handle, type LambdaEvent } from 'hono/aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApp } from '../../../functions/api/app.js';
import { parseConfig } from '../../../src/core/config.js';
import { lambdaContext } from '../../support/fakes/aws-events.js';
import { ACME_KEY, apiHarness } from './api-harness.js';

function httpApiEvent(method: string, path: string, body?: unknown): LambdaEvent {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: { authorization: `Bearer ${ACME_KEY}`, 'content-type': 'application/json' },
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      authentication: null,
      authorizer: {},
      domainName: 'api.execute-api.us-east-1.amazonaws.com',
      domainPrefix: 'api',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.1', userAgent: 'test' },
      requestId: 'apigw-request-1',
      routeKey: '$default',
      stage: '$default',
      time: '26/Nov/2026:12:00:00 +0000',
      timeEpoch: 1_764_158_400_000,
    },
    isBase64Encoded: body !== undefined,
    body: body === undefined ? null : Buffer.from(JSON.stringify(body)).toString('base64'),
  };
}

afterEach(() => vi.restoreAllMocks());

describe('the app behind API Gateway (hono/aws-lambda, payload v2)', () => {
  it('answers a base64-bodied HTTP API event with the response and a request id', async () => {
    const { app } = await apiHarness();
    const handler = handle(app);
    const upload = await handler(
      httpApiEvent('POST', '/v1/knowledge', { items: [{ id: 'l1', text: 'Lambda fact.' }] }),
      lambdaContext(),
    );
    expect(upload.statusCode).toBe(201);
    const answer = await handler(httpApiEvent('POST', '/v1/answer', { question: 'Lambda fact?' }), lambdaContext());
    expect(answer.statusCode).toBe(200);
    expect(answer.headers?.['x-request-id']).toBeTruthy();
    expect(JSON.parse(answer.body ?? '{}').evidence[0]).toMatchObject({ id: 'l1', relevant: true });
  });
});

describe('structured request logs', () => {
  it('writes one JSON line per request with request id, tenant, route, status and duration', async () => {
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    const { services } = await apiHarness();
    const logger = new Logger({ serviceName: 'rablip-api', logLevel: 'INFO' });
    const app = createApp({ services, config: parseConfig({}), logger });
    const response = await app.request('/v1/usage', { headers: { authorization: `Bearer ${ACME_KEY}` } });
    const entries = lines.flatMap((line) => line.split('\n')).filter((line) => line.startsWith('{'));
    const entry = entries.map((line) => JSON.parse(line)).find((record) => record.message === 'request');
    expect(entry).toMatchObject({
      level: 'INFO',
      service: 'rablip-api',
      requestId: response.headers.get('x-request-id'),
      tenant: 'acme',
      method: 'GET',
      path: '/v1/usage',
      status: 200,
    });
    expect(typeof entry.durationMs).toBe('number');
  });
});
