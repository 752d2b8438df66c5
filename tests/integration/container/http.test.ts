/**
 * The container over plain HTTP: its SageMaker health contract, its refusals of bad payloads, and the HTTP adapter
 * (`src/adapters/model-http.ts`) against it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError, ModelTimeoutError } from '../../../src/core/errors.js';
import { createHttpModelClient } from '../../../src/adapters/model-http.js';
import type { ModelClient } from '../../../src/core/ports.js';
import type { ServedModel } from '../../../model-container/container-state.js';
import { startContainer, type RunningContainer } from '../../../model-container/start-container.js';
import { MAX_INVOCATION_BYTES } from '../../../model-container/wire.js';
import { solidPng, startTinyContainer, tinyContainerConfig } from './tiny-container.js';

let container: RunningContainer;
let model: ModelClient;

beforeAll(async () => {
  container = await startTinyContainer({ batchWaitMs: 1 });
  model = createHttpModelClient({ url: container.url });
});

afterAll(async () => {
  await container?.close();
});

function post(body: string, contentType = 'application/json'): Promise<Response> {
  return fetch(`${container.url}/invocations`, { method: 'POST', headers: { 'content-type': contentType }, body });
}

const cosine = (a: Float32Array, b: Float32Array): number => a.reduce((s, x, i) => s + x * (b[i] ?? 0), 0);

describe('the SageMaker health contract', () => {
  it('answers /ping with 200 once the bundle is loaded', async () => {
    const response = await fetch(`${container.url}/ping`);
    expect(response.status).toBe(200);
  });

  it('answers /ping and invocations with 503 while the bundle is still loading', async () => {
    const neverLoads = new Promise<ServedModel>(() => {});
    const loading = await startContainer(
      tinyContainerConfig(),
      () => neverLoads,
      () => {},
    );
    try {
      expect((await fetch(`${loading.url}/ping`)).status).toBe(503);
      const response = await fetch(`${loading.url}/invocations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"operation":"info"}',
      });
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ error: { code: 'model_unavailable', message: 'model is loading' } });
    } finally {
      await loading.close();
    }
  });
});

describe('bad payloads get a clear 4xx', () => {
  it.each([
    ['not JSON', 'operation: embed_text', 'application/json', 400, /not valid JSON/],
    ['the wrong content type', '{"operation":"info"}', 'text/plain', 400, /content type must be application\/json/],
    ['an unknown operation', '{"operation":"train"}', 'application/json', 400, /operation/],
    ['an unknown field', '{"operation":"info","extra":1}', 'application/json', 400, /extra/],
    ['an empty text list', '{"operation":"embed_text","texts":[]}', 'application/json', 400, /texts/],
    [
      'a tensor whose bytes disagree with its dims',
      JSON.stringify({
        operation: 'generate',
        question: 'q',
        references: [{ id: 'r', kind: 'image', caption: 'c', features: { dims: [2, 2], data: 'AAAAAA==' } }],
      }),
      'application/json',
      400,
      /references\.0\.features\.data/,
    ],
    [
      'a retrieval score that is no inner product of unit vectors',
      JSON.stringify({
        operation: 'generate',
        question: 'q',
        references: [{ id: 't', kind: 'text', text: 'Lima is the capital of Peru.', score: 7 }],
      }),
      'application/json',
      400,
      /references\.0\.score/,
    ],
  ])('refuses %s', async (_, body, contentType, status, message) => {
    const response = await post(body, contentType);
    expect(response.status).toBe(status);
    const json = (await response.json()) as { error: { code: string; message: string } };
    expect(json.error.code).toBe('invalid_input');
    expect(json.error.message).toMatch(message);
  });

  it('refuses a body over the SageMaker payload limit with 413', async () => {
    const response = await post(JSON.stringify({ operation: 'embed_text', texts: ['x'.repeat(MAX_INVOCATION_BYTES)] }));
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
  });

  it('answers an unknown route with a JSON 404', async () => {
    const response = await fetch(`${container.url}/v1/answer`);
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });
});

describe('the HTTP model client', () => {
  it('embeds text as one L2-normalised vector per text, in order', async () => {
    const [a, b, again] = await model.embedText(['capital of Peru', 'flag of Japan', 'capital of Peru']);
    expect(cosine(a!, a!)).toBeCloseTo(1, 4);
    expect(cosine(a!, again!)).toBeCloseTo(1, 5);
    expect(cosine(a!, b!)).toBeLessThan(0.9999);
  });

  it('splits large knowledge lists into several calls and keeps their order', async () => {
    const items = await Promise.all(
      ['#ff0000', '#00ff00', '#0000ff'].map(async (colour) => ({
        kind: 'image' as const,
        image: await solidPng(colour),
        caption: `a ${colour} square`,
      })),
    );
    const all = [...items, { kind: 'text' as const, text: 'Lima is the capital of Peru.' }];
    const chunked = await createHttpModelClient({ url: container.url, knowledgeItemsPerCall: 2 }).embedKnowledge(all);
    const whole = await model.embedKnowledge(all);
    expect(chunked).toHaveLength(4);
    chunked.forEach((item, i) => expect(cosine(item.embedding, whole[i]!.embedding)).toBeCloseTo(1, 4));
    expect(chunked.slice(0, 3).every((item) => item.features !== undefined)).toBe(true);
    expect(chunked[3]?.features).toBeUndefined();
  });

  it('fails only the invocation with a bad image when several arrive together', async () => {
    const question = (image?: Uint8Array) => ({
      question: 'what is this?',
      references: [],
      options: { maxNewTokens: 2 },
      ...(image ? { questionImage: image } : {}),
    });
    const results = await Promise.allSettled([
      model.generate(question(await solidPng('#00ff00'))),
      model.generate(question(new TextEncoder().encode('not an image'))),
      model.generate(question()),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'invalid_image' });
  });

  it('refuses to send a request over the payload limit', async () => {
    const error = await model.embedText(['x'.repeat(MAX_INVOCATION_BYTES)]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'payload_too_large' });
  });

  it('reports a container that is slower than its budget as ModelTimeoutError', async () => {
    const impatient = createHttpModelClient({ url: container.url, timeoutMs: 1, retryAfterS: 2 });
    const error = await impatient.generate({ question: 'slow?', references: [] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelTimeoutError);
    expect(error).toMatchObject({ code: 'model_timeout', retryAfterS: 2 });
  });

  it('reports a container that is not there as model_unavailable', async () => {
    const nowhere = createHttpModelClient({ url: 'http://127.0.0.1:9' });
    await expect(nowhere.info()).rejects.toMatchObject({ code: 'model_unavailable' });
  });
});
