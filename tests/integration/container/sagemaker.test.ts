/**
 * The real `@aws-sdk/client-sagemaker-runtime` against the real model container (tiny bundle), through the SDK's
 * `endpoint` option and the `/endpoints/{name}/invocations` route it actually calls.
 */
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { InvokeEndpointCommand, ModelError, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelTimeoutError } from '../../../src/core/errors.js';
import type { ImageFeatures, ModelClient, ModelInfo } from '../../../src/core/ports.js';
import { createSageMakerModelClient } from '../../../src/adapters/model-sagemaker.js';
import type { RunningContainer } from '../../../model-container/start-container.js';
import { decodeRows } from '../../../model-container/wire.js';
import { TINY_BUNDLE_DIR, solidPng, startTinyContainer } from './tiny-container.js';

const ENDPOINT_NAME = 'rablip-test';
const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

let container: RunningContainer;
let sdk: SageMakerRuntimeClient;
let model: ModelClient;
let info: ModelInfo;
let manifestDims: { nPatch: number; dVit: number };

beforeAll(async () => {
  container = await startTinyContainer();
  sdk = new SageMakerRuntimeClient({ region: 'us-east-1', endpoint: container.url, credentials: CREDENTIALS });
  model = createSageMakerModelClient({
    endpointName: ENDPOINT_NAME,
    region: 'us-east-1',
    endpoint: container.url,
    credentials: CREDENTIALS,
  });
  info = await model.info();
  const manifest = JSON.parse(readFileSync(join(TINY_BUNDLE_DIR, 'manifest.json'), 'utf8')) as {
    dims: typeof manifestDims;
  };
  manifestDims = { nPatch: manifest.dims.nPatch, dVit: manifest.dims.dVit };
});

afterAll(async () => {
  sdk?.destroy();
  await container?.close();
});

function invoke(body: unknown) {
  return sdk.send(
    new InvokeEndpointCommand({
      EndpointName: ENDPOINT_NAME,
      ContentType: 'application/json',
      Accept: 'application/json',
      Body: new TextEncoder().encode(JSON.stringify(body)),
    }),
  );
}

const norm = (v: Float32Array): number => Math.hypot(...v);

describe('the SageMaker runtime SDK against the container', () => {
  it('embeds text through InvokeEndpoint: one L2-normalised [d_embed] row per text', async () => {
    const output = await invoke({ operation: 'embed_text', texts: ['capital of Peru', 'flag of Japan'] });
    expect(output.$metadata.httpStatusCode).toBe(200);
    expect(output.ContentType).toMatch(/^application\/json/);
    const body = JSON.parse(new TextDecoder().decode(output.Body)) as { embeddings: { dims: number[]; data: string } };
    expect(body.embeddings.dims).toEqual([2, info.dEmbed]);
    for (const row of decodeRows(body.embeddings)) expect(norm(row)).toBeCloseTo(1, 4);
  });

  it('reports the model through the adapter', () => {
    expect(info).toEqual({ name: 'ra-blip-tiny', version: expect.any(String), dEmbed: expect.any(Number) });
    expect(info.dEmbed).toBeGreaterThan(0);
  });

  it('embeds knowledge through the adapter: image items also return their [n_patch, d_vit] features', async () => {
    const [image, text] = await model.embedKnowledge([
      { kind: 'image', image: await solidPng('#bc002d'), caption: 'flag of Japan' },
      { kind: 'text', text: 'The capital of Peru is Lima.' },
    ]);
    expect(image?.embedding).toHaveLength(info.dEmbed);
    expect(norm(image!.embedding)).toBeCloseTo(1, 4);
    expect(image?.features?.dims).toEqual([manifestDims.nPatch, manifestDims.dVit]);
    expect(image?.features?.data).toHaveLength(manifestDims.nPatch * manifestDims.dVit);
    expect(text?.embedding).toHaveLength(info.dEmbed);
    expect(text?.features).toBeUndefined();
  });

  it('generates through the adapter with image and text references and a question image', async () => {
    const [knowledge] = await model.embedKnowledge([
      { kind: 'image', image: await solidPng('#0033a0'), caption: 'a blue square' },
    ]);
    const result = await model.generate({
      question: 'What colour is this?',
      questionImage: await solidPng('#ffffff'),
      references: [
        {
          id: 'img-1',
          kind: 'image',
          features: knowledge!.features as ImageFeatures,
          caption: 'a blue square',
          score: 0.42,
        },
        { id: 'txt-1', kind: 'text', text: 'Lima is the capital of Peru.', score: 0.87 },
      ],
      options: { maxNewTokens: 6 },
    });
    expect(typeof result.answer).toBe('string');
    expect(typeof result.abstained).toBe('boolean');
    expect(result.relevant.every((id) => id === 'img-1' || id === 'txt-1')).toBe(true);
    expect(result.usage.promptTokens).toBeGreaterThan(0);
    expect(result.usage.generatedTokens).toBeGreaterThan(0);
    expect(result.usage.generatedTokens).toBeLessThanOrEqual(6);
  });

  it('reports a bad payload as ModelError with the container 400 and its error code', async () => {
    const error = await invoke({ operation: 'embed_text', texts: [] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelError);
    const modelError = error as ModelError;
    expect(modelError.$metadata.httpStatusCode).toBe(424);
    expect(modelError.OriginalStatusCode).toBe(400);
    expect(JSON.parse(modelError.OriginalMessage ?? '')).toMatchObject({ error: { code: 'invalid_input' } });
  });

  it('turns a container error back into the same AppError through the adapter', async () => {
    const notAnImage = new TextEncoder().encode('this is not an image');
    await expect(
      model.generate({ question: 'what is this?', questionImage: notAnImage, references: [] }),
    ).rejects.toMatchObject({
      name: 'InvalidImageError',
      code: 'invalid_image',
    });
  });

  it('batches concurrent invocations into shared model calls', async () => {
    // A container of its own, with a window wide enough that a loaded test machine still sends all eight within it.
    const batching = await startTinyContainer({ batchWaitMs: 250, maxBatch: 8 });
    try {
      const client = new SageMakerRuntimeClient({
        region: 'us-east-1',
        endpoint: batching.url,
        credentials: CREDENTIALS,
      });
      const send = (body: unknown) =>
        client.send(
          new InvokeEndpointCommand({
            EndpointName: ENDPOINT_NAME,
            ContentType: 'application/json',
            Body: new TextEncoder().encode(JSON.stringify(body)),
          }),
        );
      await Promise.all(
        Array.from({ length: 8 }, (_, i) => send({ operation: 'embed_text', texts: [`question ${i}`] })),
      );
      const question = (i: number) => ({
        operation: 'generate',
        question: `question ${i}?`,
        references: [{ id: 't', kind: 'text', text: 'x', score: 0.5 }],
        options: { maxNewTokens: 2 },
      });
      await Promise.all(Array.from({ length: 4 }, (_, i) => send(question(i))));
      client.destroy();
      const stats = await statsOf(batching.url);
      expect(stats['embed_text']?.requests).toBe(8);
      expect(stats['embed_text']?.batches).toBeLessThan(8);
      expect(stats['embed_text']?.maxBatchSize).toBeGreaterThan(1);
      expect(stats['generate']?.maxBatchSize).toBeGreaterThan(1);
    } finally {
      await batching.close();
    }
  });

  it('gives up after its budget with ModelTimeoutError and a retry hint', async () => {
    const impatient = createSageMakerModelClient({
      endpointName: ENDPOINT_NAME,
      region: 'us-east-1',
      endpoint: container.url,
      credentials: CREDENTIALS,
      timeoutMs: 1,
      maxAttempts: 1,
      retryAfterS: 3,
    });
    const error = await impatient.embedText(['slow?']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelTimeoutError);
    expect((error as ModelTimeoutError).retryAfterS).toBe(3);
  });

  it('targets an inference component when configured', async () => {
    const seen: { path: string; component: string | undefined }[] = [];
    const app = new Hono();
    app.post('/endpoints/:name/invocations', (c) => {
      seen.push({ path: c.req.path, component: c.req.header('x-amzn-sagemaker-inference-component') });
      return c.json({ name: 'n', version: 'v', dEmbed: 4 });
    });
    const server = await new Promise<Server>((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as Server));
    });
    try {
      const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const options = { endpointName: ENDPOINT_NAME, region: 'us-east-1', endpoint, credentials: CREDENTIALS };
      await createSageMakerModelClient({ ...options, inferenceComponentName: 'rablip-ic' }).info();
      await createSageMakerModelClient(options).info();
      expect(seen).toEqual([
        { path: `/endpoints/${ENDPOINT_NAME}/invocations`, component: 'rablip-ic' },
        { path: `/endpoints/${ENDPOINT_NAME}/invocations`, component: undefined },
      ]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('reports an endpoint that is not there as model_unavailable', async () => {
    const nowhere = createSageMakerModelClient({
      endpointName: ENDPOINT_NAME,
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:9',
      credentials: CREDENTIALS,
      maxAttempts: 1,
    });
    await expect(nowhere.embedText(['hello'])).rejects.toMatchObject({ code: 'model_unavailable' });
  });
});

async function statsOf(
  url: string,
): Promise<Record<string, { requests: number; batches: number; maxBatchSize: number }>> {
  const body = (await (await fetch(`${url}/stats`)).json()) as {
    batches: Record<string, { requests: number; batches: number; maxBatchSize: number }>;
  };
  return body.batches;
}
