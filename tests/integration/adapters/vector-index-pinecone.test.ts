import { Pinecone } from '@pinecone-database/pinecone';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PineconeVectorIndex } from '../../../src/adapters/vector-index-pinecone.js';
import { describeVectorIndexContract } from '../../support/contracts/vector-index-contract.js';
import { startPineconeEmulator, type PineconeEmulator } from '../../support/pinecone-emulator.js';
import { freshNamespace, knowledgeMetadata, unitVector, vectorRecord } from '../../support/port-factories.js';

const DIMENSIONS = 256;
const API_KEY = 'pc-test-key';
let emulator: PineconeEmulator;
let index: PineconeVectorIndex;

beforeAll(async () => {
  emulator = await startPineconeEmulator({ apiKey: API_KEY, dimension: DIMENSIONS });
  index = new PineconeVectorIndex({ apiKey: API_KEY, index: { host: emulator.url }, dimensions: DIMENSIONS });
});

afterEach(() => emulator.assertClean());
afterAll(() => emulator.close());

describeVectorIndexContract('Pinecone SDK 8 against the emulator', () => index, DIMENSIONS);

describe('PineconeVectorIndex against the emulator', () => {
  const upsertBodies = (ns: string) =>
    emulator.requests.filter(
      (request) => request.path === '/vectors/upsert' && (request.body as { namespace?: string }).namespace === ns,
    );

  it('splits upserts to Pinecone limits: at most 1,000 records and 2 MB a request', async () => {
    const ns = freshNamespace();
    const records = Array.from({ length: 1200 }, (_, i) => vectorRecord(`r-${i}`, unitVector(DIMENSIONS, i)));
    await index.upsert(ns, records);
    const sent = upsertBodies(ns);
    expect(sent.every((request) => request.status === 200 && request.bodyBytes <= 2_000_000)).toBe(true);
    expect(sent.every((request) => (request.body as { vectors: unknown[] }).vectors.length <= 1000)).toBe(true);
    expect(sent.reduce((sum, request) => sum + (request.body as { vectors: unknown[] }).vectors.length, 0)).toBe(1200);
    // At 256 dimensions a record is ~5 KB of JSON, so the byte limit binds before the record limit.
    expect(sent.length).toBeGreaterThanOrEqual(3);
    const stats = await new Pinecone({ apiKey: API_KEY }).index({ host: emulator.url }).describeIndexStats();
    expect(stats.namespaces?.[ns]?.recordCount).toBe(1200);
  });

  it('sends flat metadata without absent fields (Pinecone rejects nulls)', async () => {
    const ns = freshNamespace();
    await index.upsert(ns, [vectorRecord('text-item', unitVector(DIMENSIONS, 1), knowledgeMetadata())]);
    const [sent] = upsertBodies(ns);
    const vector = (sent?.body as { vectors: { metadata: Record<string, unknown>; values: unknown }[] }).vectors[0];
    expect(vector?.metadata).toEqual({
      modality: 'text',
      content: knowledgeMetadata().content,
      source: knowledgeMetadata().source,
      modelVersion: knowledgeMetadata().modelVersion,
    });
    expect(Array.isArray(vector?.values)).toBe(true);
  });

  it('rejects metadata over 40 KB with payload_too_large before sending anything', async () => {
    const ns = freshNamespace();
    const huge = vectorRecord('huge', unitVector(DIMENSIONS, 1), knowledgeMetadata({ content: 'x'.repeat(41_000) }));
    await expect(index.upsert(ns, [huge])).rejects.toMatchObject({ code: 'payload_too_large' });
    expect(upsertBodies(ns)).toHaveLength(0);
  });

  it('resolves an index name through the control plane (GET /indexes/{name})', async () => {
    const byName = new PineconeVectorIndex({
      apiKey: API_KEY,
      index: { name: emulator.indexName },
      controllerHostUrl: emulator.url,
      dimensions: DIMENSIONS,
    });
    const ns = freshNamespace();
    await byName.upsert(ns, [vectorRecord('named', unitVector(DIMENSIONS, 5))]);
    expect((await byName.query(ns, unitVector(DIMENSIONS, 5), 1))[0]?.id).toBe('named');
    expect(emulator.requests.some((request) => request.path === `/indexes/${emulator.indexName}`)).toBe(true);
  });

  it('translates an unknown index name into not_found', async () => {
    const missing = new PineconeVectorIndex({
      apiKey: API_KEY,
      index: { name: 'no-such-index' },
      controllerHostUrl: emulator.url,
      dimensions: DIMENSIONS,
    });
    await expect(missing.query(freshNamespace(), unitVector(DIMENSIONS, 1), 1)).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('translates a rejected API key into backend_unavailable', async () => {
    const wrongKey = new PineconeVectorIndex({
      apiKey: 'wrong',
      index: { host: emulator.url },
      dimensions: DIMENSIONS,
    });
    await expect(wrongKey.query(freshNamespace(), unitVector(DIMENSIONS, 1), 1)).rejects.toMatchObject({
      code: 'backend_unavailable',
    });
  });

  it('retries a 503 (SDK maxRetries), and reports backend_unavailable once retries run out', async () => {
    const patient = new PineconeVectorIndex({
      apiKey: API_KEY,
      index: { host: emulator.url },
      dimensions: DIMENSIONS,
      maxRetries: 1,
    });
    emulator.failNext(503, 1);
    await expect(patient.query(freshNamespace(), unitVector(DIMENSIONS, 1), 1)).resolves.toEqual([]);
    const impatient = new PineconeVectorIndex({
      apiKey: API_KEY,
      index: { host: emulator.url },
      dimensions: DIMENSIONS,
      maxRetries: 0,
    });
    emulator.failNext(503, 1);
    await expect(impatient.query(freshNamespace(), unitVector(DIMENSIONS, 1), 1)).rejects.toMatchObject({
      code: 'backend_unavailable',
    });
  });

  it('reports a host nobody listens on as backend_unavailable', async () => {
    const offline = new PineconeVectorIndex({
      apiKey: API_KEY,
      index: { host: 'http://127.0.0.1:9' },
      dimensions: DIMENSIONS,
      maxRetries: 0,
    });
    await expect(offline.fetch(freshNamespace(), ['x'])).rejects.toMatchObject({ code: 'backend_unavailable' });
  });
});
