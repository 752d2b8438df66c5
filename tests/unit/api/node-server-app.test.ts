/**
 * The app as `npm start` serves it, through `@hono/node-server` on a loopback port: the request body is read straight
 * from Node's request (`limit-body.ts`), and the request log line is written once the response is out
 * (`log-requests.ts`). `app.request` tests do not reach either path.
 * @module
 */
import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '@aws-lambda-powertools/logger';
import { serve } from '@hono/node-server';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp } from '../../../functions/api/app.js';
import { ACME_KEY, apiHarness } from './api-harness.js';

const MAX_BODY_BYTES = 2048;
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  const { services, config } = await apiHarness({ env: { RABLIP_MAX_BODY_BYTES: String(MAX_BODY_BYTES) } });
  const logger = new Logger({ serviceName: 'node-server-test', logLevel: 'INFO' });
  const app = createApp({ services, config, logger });
  server = await new Promise<Server>((resolve) => {
    const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started as Server));
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((done) => server.close(() => done())));
afterEach(() => vi.restoreAllMocks());

const headers = (key: string | null = ACME_KEY) => ({
  'content-type': 'application/json',
  ...(key !== null && { authorization: `Bearer ${key}` }),
});

function post(path: string, body: string, key: string | null = ACME_KEY): Promise<Response> {
  return fetch(`${baseUrl}${path}`, { method: 'POST', headers: headers(key), body });
}

/** A POST whose body goes out in `parts` chunks, without a Content-Length (Transfer-Encoding: chunked). */
function postChunked(path: string, parts: readonly string[]): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${baseUrl}${path}`, { method: 'POST', headers: headers() }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    for (const part of parts) req.write(part);
    req.end();
  });
}

describe('the app under @hono/node-server', () => {
  it('reads JSON bodies straight from the Node request, on every route that takes one', async () => {
    const upload = await post(
      '/v1/knowledge',
      JSON.stringify({ items: [{ id: 'n1', text: 'Node fact: zorbs hum.' }] }),
    );
    expect(upload.status).toBe(201);
    const answer = await post('/v1/answer', JSON.stringify({ question: 'Do zorbs hum?' }));
    expect(answer.status).toBe(200);
    expect((await answer.json()).evidence[0]).toMatchObject({ id: 'n1' });
  });

  it('reads a chunked body within the limit, and refuses one over it with 413', async () => {
    const within = await postChunked('/v1/answer', ['{"question": ', '"Do zorbs hum?"}']);
    expect(within.status).toBe(200);
    const over = await postChunked('/v1/answer', ['{"question": "q", "image": "', 'A'.repeat(MAX_BODY_BYTES), '"}']);
    expect(over.status).toBe(413);
    expect(JSON.parse(over.body).error.code).toBe('payload_too_large');
  });

  it('refuses a declared length over the limit with 413, malformed JSON with 400, and no key with 401', async () => {
    const big = await post('/v1/answer', JSON.stringify({ question: 'q', image: 'A'.repeat(4_000) }));
    expect(big.status).toBe(413);
    expect((await big.json()).error.code).toBe('payload_too_large');
    const malformed = await post('/v1/answer', '{"question": ');
    expect(malformed.status).toBe(400);
    expect((await malformed.json()).error.code).toBe('invalid_input');
    const anonymous = await post('/v1/answer', JSON.stringify({ question: 'q' }), null);
    expect(anonymous.status).toBe(401);
    // The connection is still usable after a refused body.
    expect((await fetch(`${baseUrl}/healthz`)).status).toBe(200);
  });

  it('writes one request log line per request, after the response, with status and duration', async () => {
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    const requestLines = () =>
      lines
        .map((line) => JSON.parse(line))
        .filter((entry) => entry.message === 'request' && entry.path === '/v1/answer');
    const ok = await post('/v1/answer', JSON.stringify({ question: 'Do zorbs hum?' }));
    const tooBig = await post('/v1/answer', JSON.stringify({ question: 'q', image: 'A'.repeat(4_000) }));
    await vi.waitFor(() => expect(requestLines()).toHaveLength(2));
    const [first, second] = requestLines();
    expect(first).toMatchObject({ level: 'INFO', requestId: ok.headers.get('x-request-id'), status: 200 });
    expect(first.tenant).toBe('acme');
    expect(typeof first.durationMs).toBe('number');
    expect(second).toMatchObject({ requestId: tooBig.headers.get('x-request-id'), status: 413 });
  });
});
