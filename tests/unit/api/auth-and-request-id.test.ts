import { describe, expect, it } from 'vitest';
import { apiHarness, GLOBEX_KEY } from './api-harness.js';

describe('API keys', () => {
  it('refuses a request without a key with 401, WWW-Authenticate and no work done', async () => {
    const { call, services } = await apiHarness();
    const response = await call('POST', '/v1/answer', { question: 'q' }, null);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect((await response.json()).error).toMatchObject({ code: 'unauthorized' });
    expect(services.model.calls.embedText).toHaveLength(0);
    expect(services.usage.records).toHaveLength(0);
  });

  it('refuses an unknown key, and a key sent without the Bearer scheme', async () => {
    const { app, call } = await apiHarness();
    expect((await call('GET', '/v1/usage', undefined, 'wrong-key-0123456789abcdef')).status).toBe(401);
    const noScheme = await app.request('/v1/usage', { headers: { authorization: 'acme-key-0123456789abcdef' } });
    expect(noScheme.status).toBe(401);
  });

  it("keeps tenants apart: one tenant's items are invisible to another", async () => {
    const { call } = await apiHarness();
    await call('POST', '/v1/knowledge', { items: [{ id: 'secret', text: 'The launch code is 0000.' }] });
    expect((await call('GET', '/v1/knowledge/secret')).status).toBe(200);
    expect((await call('GET', '/v1/knowledge/secret', undefined, GLOBEX_KEY)).status).toBe(404);
    expect((await call('DELETE', '/v1/knowledge/secret', undefined, GLOBEX_KEY)).status).toBe(404);
    const answer = await (await call('POST', '/v1/answer', { question: 'launch code' }, GLOBEX_KEY)).json();
    expect(answer.evidence).toEqual([]);
  });
});

describe('request ids', () => {
  it('puts a request id on every response: success, auth failure, unknown route, health', async () => {
    const { app, call } = await apiHarness();
    const responses = [
      await call('GET', '/v1/usage'),
      await call('GET', '/v1/usage', undefined, null),
      await call('GET', '/v1/nothing-here'),
      await app.request('/healthz'),
      await app.request('/no-such-page'),
    ];
    expect(responses.map((response) => response.status)).toEqual([200, 401, 404, 200, 404]);
    for (const response of responses) expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("echoes the caller's request id", async () => {
    const { app } = await apiHarness();
    const response = await app.request('/healthz', { headers: { 'x-request-id': 'trace-42' } });
    expect(response.headers.get('x-request-id')).toBe('trace-42');
  });
});

describe('usage metering', () => {
  it('counts each authenticated request with the model time and tokens it used', async () => {
    const { call } = await apiHarness();
    await call('POST', '/v1/knowledge', { items: [{ text: 'Lake Zorb is deep.' }] });
    await call('POST', '/v1/answer', { question: 'Lake Zorb depth?' });
    await call('POST', '/v1/answer', { question: 'Lake Zorb?' });
    const usage = await (await call('GET', '/v1/usage')).json();
    expect(usage).toMatchObject({ tenant: 'acme', from: '2026-10-28', to: '2026-11-26' });
    expect(usage.days).toHaveLength(1);
    expect(usage.total).toMatchObject({ requests: 3, promptTokens: 30, generatedTokens: 8 });
    expect(usage.total.modelMs).toBeGreaterThanOrEqual(14);
  });

  it('meters per tenant, and rejects a range that ends before it starts', async () => {
    const { call } = await apiHarness();
    await call('GET', '/v1/usage');
    const globex = await (await call('GET', '/v1/usage?from=2026-11-01&to=2026-11-30', undefined, GLOBEX_KEY)).json();
    expect(globex.total.requests).toBe(0);
    const backwards = await call('GET', '/v1/usage?from=2026-11-20&to=2026-11-01');
    expect(backwards.status).toBe(400);
    expect((await call('GET', '/v1/usage?from=yesterday')).status).toBe(400);
  });
});

describe('API documentation', () => {
  it('serves an OpenAPI document with every route, and Swagger UI at /docs', async () => {
    const { app } = await apiHarness();
    const document = await (await app.request('/openapi.json')).json();
    expect(Object.keys(document.paths).sort()).toEqual([
      '/healthz',
      '/v1/answer',
      '/v1/ingest/jobs/{id}',
      '/v1/knowledge',
      '/v1/knowledge/{id}',
      '/v1/knowledge/{id}/image',
      '/v1/usage',
    ]);
    expect(document.components.securitySchemes.bearerAuth).toEqual({ type: 'http', scheme: 'bearer' });
    const docs = await app.request('/docs');
    expect(docs.status).toBe(200);
    expect(await docs.text()).toMatch(/swagger/i);
  });
});
