import { Errors, Pinecone } from '@pinecone-database/pinecone';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadOpenApiValidator } from '../../support/openapi-validator.js';
import { PINECONE_DATA_SPEC, startPineconeEmulator, type PineconeEmulator } from '../../support/pinecone-emulator.js';

const API_KEY = 'pc-test-key';
let emulator: PineconeEmulator;

beforeAll(async () => {
  emulator = await startPineconeEmulator({ apiKey: API_KEY, dimension: 4 });
});
afterEach(() => emulator.assertClean());
afterAll(() => emulator.close());

/** A raw call, with the headers the SDK sends unless overridden. */
async function call(path: string, body: unknown, headers: Record<string, string | undefined> = {}) {
  const merged = {
    'Api-Key': API_KEY,
    'X-Pinecone-Api-Version': '2026-04',
    'Content-Type': 'application/json',
    ...headers,
  };
  const response = await fetch(`${emulator.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: Object.fromEntries(
      Object.entries(merged).filter((entry): entry is [string, string] => entry[1] !== undefined),
    ),
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as { message?: string } };
}

describe('Pinecone emulator request validation (db_data 2026-04 spec)', () => {
  it('accepts a conforming upsert and query', async () => {
    const upsert = await call('/vectors/upsert', {
      vectors: [{ id: 'a', values: [1, 0, 0, 0], metadata: { k: 'v' } }],
      namespace: 'ns',
    });
    expect(upsert).toEqual({ status: 200, body: { upsertedCount: 1 } });
    const query = await call('/query', { namespace: 'ns', topK: 1, vector: [1, 0, 0, 0], includeMetadata: true });
    expect(query.status).toBe(200);
    expect(query.body).toMatchObject({ matches: [{ id: 'a', score: 1, metadata: { k: 'v' } }] });
  });

  it('rejects an upsert whose values are a serialised Float32Array (an object, not an array)', async () => {
    const values = JSON.parse(JSON.stringify(new Float32Array([1, 0, 0, 0]))) as unknown;
    const reply = await call('/vectors/upsert', { vectors: [{ id: 'a', values }], namespace: 'ns' });
    expect(reply.status).toBe(400);
    expect(reply.body.message).toContain('body/vectors/0/values must be array');
  });

  it('rejects values of the wrong type, a missing id, and a missing vectors array', async () => {
    expect(
      (await call('/vectors/upsert', { vectors: [{ id: 'a', values: ['0.1', 0, 0, 0] }] })).body.message,
    ).toContain('body/vectors/0/values/0 must be number');
    expect((await call('/vectors/upsert', { vectors: [{ values: [1, 0, 0, 0] }] })).body.message).toContain(
      "must have required property 'id'",
    );
    expect((await call('/vectors/upsert', { namespace: 'ns' })).body.message).toContain("required property 'vectors'");
  });

  it('rejects a query without topK, and a fetch without ids', async () => {
    const query = await call('/query', { namespace: 'ns', vector: [1, 0, 0, 0] });
    expect(query.status).toBe(400);
    expect(query.body.message).toContain("required property 'topK'");
    const fetched = await call('/vectors/fetch?namespace=ns', undefined);
    expect(fetched.status).toBe(400);
    expect(fetched.body.message).toContain("required property 'ids'");
  });

  it('enforces the rules the schema cannot state: dimension, null metadata, 1,000 vectors', async () => {
    expect((await call('/vectors/upsert', { vectors: [{ id: 'a', values: [1, 0, 0] }] })).body.message).toContain(
      'does not match the dimension of the index 4',
    );
    expect(
      (await call('/vectors/upsert', { vectors: [{ id: 'a', values: [1, 0, 0, 0], metadata: { title: null } }] }))
        .status,
    ).toBe(400);
    const many = Array.from({ length: 1001 }, (_, i) => ({ id: `v${i}`, values: [1, 0, 0, 0] }));
    expect((await call('/vectors/upsert', { vectors: many })).body.message).toContain('1 to 1000 vectors');
  });

  it('checks the API key and the X-Pinecone-Api-Version header', async () => {
    const body = { namespace: 'ns', topK: 1, vector: [1, 0, 0, 0] };
    expect((await call('/query', body, { 'Api-Key': 'wrong' })).status).toBe(401);
    expect((await call('/query', body, { 'Api-Key': undefined })).status).toBe(401);
    const missing = await call('/query', body, { 'X-Pinecone-Api-Version': undefined });
    expect(missing).toMatchObject({
      status: 400,
      body: { message: expect.stringContaining('x-pinecone-api-version') },
    });
    expect((await call('/query', body, { 'X-Pinecone-Api-Version': '2025-01' })).status).toBe(400);
  });

  it('surfaces a malformed request from the SDK as PineconeBadRequestError', async () => {
    const index = new Pinecone({ apiKey: API_KEY, maxRetries: 0 }).index({ host: emulator.url, namespace: 'ns' });
    const values = new Float32Array([1, 0, 0, 0]) as unknown as number[];
    await expect(index.upsert({ records: [{ id: 'typed-array', values }] })).rejects.toBeInstanceOf(
      Errors.PineconeBadRequestError,
    );
    expect(emulator.requests.at(-1)).toMatchObject({ path: '/vectors/upsert', status: 400 });
  });
});

describe('Pinecone spec response validation', () => {
  const query = loadOpenApiValidator(PINECONE_DATA_SPEC).match('POST', '/query');

  it('accepts a conforming query response and flags a non-conforming one', () => {
    expect(
      query?.operation.validateResponse(200, { matches: [{ id: 'a', score: 0.5 }], namespace: 'ns' }).errors,
    ).toEqual([]);
    expect(query?.operation.validateResponse(200, { matches: [{ score: 0.5 }] }).errors).toEqual([
      "response 200/matches/0 must have required property 'id'",
    ]);
    expect(query?.operation.validateResponse(200, { matches: 'none' }).errors).toEqual([
      'response 200/matches must be array',
    ]);
  });

  it('validates error bodies against rpcStatus through the 4XX entry', () => {
    expect(query?.operation.validateResponse(404, { code: 5, message: 'x' }).errors).toEqual([]);
    expect(query?.operation.validateResponse(429, { code: 'slow down' }).errors).toEqual([
      'response 429/code must be integer',
    ]);
  });
});
