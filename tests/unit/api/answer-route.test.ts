import { describe, expect, it } from 'vitest';
import { bombPngHeader, noisyPng, solidPng } from '../../support/fakes/image-fixtures.js';
import { apiHarness, base64 } from './api-harness.js';

async function seededHarness(options: Parameters<typeof apiHarness>[0] = {}) {
  const harness = await apiHarness(options);
  const png = await solidPng();
  const upload = await harness.call('POST', '/v1/knowledge', {
    items: [
      { id: 'zorb-depth', title: 'Lake Zorb', text: 'Lake Zorb is 310 metres deep.' },
      { id: 'zorb-photo', image: base64(png), caption: 'Photo of Lake Zorb at dawn' },
      { id: 'cheese', text: 'Freedonia exports cheese.' },
    ],
  });
  expect(upload.status).toBe(201);
  return harness;
}

describe('POST /v1/answer', () => {
  it('answers with evidence cards, relevance, usage and timings', async () => {
    const { call } = await seededHarness();
    const response = await call('POST', '/v1/answer', { question: 'How deep is Lake Zorb?', topK: 3 });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBeTruthy();
    const body = await response.json();
    expect(body).toMatchObject({ abstained: false, answer: expect.stringMatching(/^from zorb-/) });
    expect(body.evidence).toContainEqual(
      expect.objectContaining({
        id: 'zorb-photo',
        modality: 'image',
        caption: 'Photo of Lake Zorb at dawn',
        imageUrl: '/v1/knowledge/zorb-photo/image',
        relevant: true,
      }),
    );
    expect(body.evidence).toContainEqual(
      expect.objectContaining({
        id: 'zorb-depth',
        modality: 'text',
        text: 'Lake Zorb is 310 metres deep.',
        relevant: true,
      }),
    );
    expect(body.evidence.find((card: { id: string }) => card.id === 'cheese')?.relevant).toBe(false);
    expect(Object.keys(body.usage).sort()).toEqual(['generatedTokens', 'modelMs', 'promptTokens']);
    expect(Object.keys(body.timings).sort()).toEqual(['assembleMs', 'embedMs', 'generateMs', 'retrieveMs', 'totalMs']);
  });

  it('says abstained: true when nothing retrieved answers the question', async () => {
    const { call } = await seededHarness();
    const body = await (await call('POST', '/v1/answer', { question: 'Who painted the Mona Lisa?' })).json();
    expect(body).toMatchObject({ abstained: true, answer: '' });
    expect(body).not.toHaveProperty('questionImage');
  });

  it('takes a question image as base64 or a data URL', async () => {
    const { call, services } = await seededHarness();
    const png = await solidPng(16, 16);
    expect((await call('POST', '/v1/answer', { question: 'Lake?', image: base64(png) })).status).toBe(200);
    const dataUrl = `data:image/png;base64,${base64(png)}`;
    expect((await call('POST', '/v1/answer', { question: 'Lake?', image: dataUrl })).status).toBe(200);
    // The linking call reads the picture, instructed by the question; generation gets its ViT features.
    const linkingCalls = services.model.calls.embedKnowledge.filter(
      ([input]) => input?.kind === 'image' && input.caption === 'Lake?',
    );
    expect(linkingCalls.map(([input]) => input?.kind === 'image' && input.image.length)).toEqual([
      png.length,
      png.length,
    ]);
    expect(services.model.calls.generate.map((request) => request.questionImageFeatures?.dims)).toEqual([
      [4, 3],
      [4, 3],
    ]);
  });

  it('marks the evidence card of the stored image the question image shows as linked, first', async () => {
    const { call, app } = await seededHarness();
    const png = await solidPng(); // the bytes of zorb-photo
    const body = await (await call('POST', '/v1/answer', { question: 'How deep is it?', image: base64(png) })).json();
    expect(body.evidence[0]).toMatchObject({ id: 'zorb-photo', modality: 'image', linked: true });
    expect(body.questionImage).toEqual({ linked: true });
    expect(body.evidence.slice(1).every((card: { linked?: boolean }) => card.linked === undefined)).toBe(true);
    expect(body.evidence.map((card: { id: string }) => card.id)).toContain('zorb-depth');
    const document = await (await app.request('/openapi.json')).json();
    expect(document.components.schemas.Evidence.properties.linked).toMatchObject({ type: 'boolean' });
  });

  it('links nothing when RABLIP_VISUAL_LINK_THRESHOLD is above 1', async () => {
    const { call } = await seededHarness({ env: { RABLIP_VISUAL_LINK_THRESHOLD: '1.5' } });
    const png = await solidPng();
    const body = await (await call('POST', '/v1/answer', { question: 'How deep is it?', image: base64(png) })).json();
    expect(body.evidence.some((card: { linked?: boolean }) => card.linked)).toBe(false);
    // The client is told, so that it can resend a question that is not about its picture without it.
    expect(body.questionImage).toEqual({ linked: false });
  });

  describe('refuses bad input with a clear 4xx and no model call', () => {
    const cases: [string, () => Promise<unknown>, number, string, RegExp][] = [
      ['an empty question', async () => ({ question: '' }), 400, 'invalid_input', /question is empty/],
      ['a blank question', async () => ({ question: '   \n ' }), 400, 'invalid_input', /question is empty/],
      [
        'a question over the limit',
        async () => ({ question: 'x'.repeat(51) }),
        400,
        'invalid_input',
        /over 50 characters/,
      ],
      ['a missing question', async () => ({ topK: 3 }), 400, 'invalid_input', /question/],
      ['a topK out of range', async () => ({ question: 'q', topK: 0 }), 400, 'invalid_input', /topK/],
      ['an image that is not base64', async () => ({ question: 'q', image: '%%%' }), 400, 'invalid_image', /base64/],
      [
        'an image that is not an image',
        async () => ({ question: 'q', image: base64(new TextEncoder().encode('hello world, text')) }),
        400,
        'invalid_image',
        /not a PNG, JPEG or WebP/,
      ],
      [
        'a decompression bomb',
        async () => ({ question: 'q', image: base64(bombPngHeader(60_000, 60_000)) }),
        400,
        'invalid_image',
        /3600000000 pixels, over the limit/,
      ],
      [
        'an image over the byte limit',
        async () => ({ question: 'q', image: base64(await noisyPng(32, 32)) }),
        413,
        'payload_too_large',
        /over the limit of 2048/,
      ],
    ];
    it.each(cases)('%s', async (_name, body, status, code, message) => {
      const { call, services } = await apiHarness({
        env: { RABLIP_MAX_QUESTION_CHARS: '50', RABLIP_MAX_IMAGE_BYTES: '2048' },
      });
      const response = await call('POST', '/v1/answer', await body());
      expect(response.status).toBe(status);
      const json = await response.json();
      expect(json.error).toMatchObject({ code, message: expect.stringMatching(message) });
      expect(json.error.requestId).toBe(response.headers.get('x-request-id'));
      expect(services.model.calls.embedText).toHaveLength(0);
    });
  });

  it('refuses a body over the limit with 413, and malformed JSON with 400', async () => {
    const { app, call } = await apiHarness({ env: { RABLIP_MAX_BODY_BYTES: '2048' } });
    const big = await call('POST', '/v1/answer', { question: 'q', image: 'A'.repeat(4_000) });
    expect(big.status).toBe(413);
    expect((await big.json()).error.code).toBe('payload_too_large');
    const malformed = await app.request('/v1/answer', {
      method: 'POST',
      headers: { authorization: 'Bearer acme-key-0123456789abcdef', 'content-type': 'application/json' },
      body: '{"question": ',
    });
    expect(malformed.status).toBe(400);
    expect((await malformed.json()).error.code).toBe('invalid_input');
  });

  it('turns a model that times out into 503 with Retry-After', async () => {
    const { call } = await seededHarness({ model: { generateDelayMs: 400 }, env: { RABLIP_MODEL_TIMEOUT_MS: '100' } });
    const response = await call('POST', '/v1/answer', { question: 'How deep is Lake Zorb?' });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect((await response.json()).error).toMatchObject({
      code: 'model_timeout',
      message: expect.stringMatching(/100 ms/),
    });
  });

  it('passes the configured decoding settings and reference budget to the generator', async () => {
    const { call, services } = await seededHarness({
      env: { RABLIP_MAX_NEW_TOKENS: '9', RABLIP_NUM_BEAMS: '2', RABLIP_MAX_REFERENCES: '1', RABLIP_DEFAULT_TOP_K: '2' },
    });
    await call('POST', '/v1/answer', { question: 'Lake Zorb' });
    const [request] = services.model.calls.generate;
    expect(request?.options).toEqual({ maxNewTokens: 9, numBeams: 2 });
    expect(request?.references).toHaveLength(1);
  });
});
