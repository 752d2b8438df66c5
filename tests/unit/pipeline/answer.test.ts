import { describe, expect, it } from 'vitest';
import { InvalidImageError, ModelTimeoutError } from '../../../src/core/errors.js';
import type { GenerateRequest } from '../../../src/core/ports.js';
import { answerQuestion, uploadKnowledge } from '../../../src/core/pipeline/index.js';
import { overlapAnswer } from '../../support/fakes/fake-model-client.js';
import { fakeServices, type FakeServices } from '../../support/fakes/fake-services.js';
import { bombPngHeader, solidPng } from '../../support/fakes/image-fixtures.js';
import { answerOptions, uploadOptions } from '../../support/fakes/pipeline-options.js';

const options = answerOptions;

async function seeded(services: FakeServices, tenant = 'acme'): Promise<void> {
  const png = await solidPng();
  await uploadKnowledge(
    services,
    tenant,
    [
      { id: 'zorb-depth', title: 'Lake Zorb', text: 'Lake Zorb is 310 metres deep.' },
      { id: 'cheese', text: 'Freedonia exports cheese.' },
      { id: 'zorb-photo', image: Buffer.from(png).toString('base64'), caption: 'Photo of Lake Zorb at dawn' },
    ],
    uploadOptions,
  );
}

describe('answering a question', () => {
  it('retrieves, marks the references the generator used as relevant, and reports usage and timings', async () => {
    const services = fakeServices();
    await seeded(services);
    const result = await answerQuestion(
      services,
      { tenant: 'acme', question: 'How deep is Lake Zorb?', topK: 3 },
      options,
    );
    expect(result.abstained).toBe(false);
    expect(result.answer).toMatch(/^from zorb-/);
    const byId = Object.fromEntries(result.evidence.map((evidence) => [evidence.id, evidence]));
    expect(byId['zorb-depth']).toMatchObject({ modality: 'text', relevant: true, title: 'Lake Zorb' });
    expect(byId['zorb-photo']).toMatchObject({
      modality: 'image',
      relevant: true,
      content: 'Photo of Lake Zorb at dawn',
    });
    expect(byId['cheese']?.relevant).toBe(false);
    const scores = result.evidence.map((evidence) => evidence.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(result.usage).toMatchObject({ promptTokens: 25, generatedTokens: 4 });
    expect(result.timings.totalMs).toBeGreaterThanOrEqual(result.timings.generateMs);
  });

  it('hands image references to the generator with their cached features, computing none at answer time', async () => {
    const services = fakeServices();
    await seeded(services);
    const embedCalls = services.model.calls.embedKnowledge.length;
    await answerQuestion(services, { tenant: 'acme', question: 'Lake Zorb photo', topK: 3 }, options);
    expect(services.model.calls.embedKnowledge).toHaveLength(embedCalls);
    const request = services.model.calls.generate[0] as GenerateRequest;
    const image = request.references.find((reference) => reference.kind === 'image');
    expect(image).toMatchObject({ id: 'zorb-photo', kind: 'image', caption: 'Photo of Lake Zorb at dawn' });
    expect(image?.kind === 'image' && image.features.dims).toEqual([4, 3]);
  });

  it('recomputes and re-caches features whose cache entry is gone', async () => {
    const services = fakeServices();
    await seeded(services);
    const [photo] = await services.index.fetch('acme', ['zorb-photo']);
    await services.blobs.delete(photo?.metadata.featuresKey ?? '');
    await answerQuestion(services, { tenant: 'acme', question: 'Lake Zorb photo', topK: 3 }, options);
    expect(services.blobs.keys()).toContain(photo?.metadata.featuresKey);
    const request = services.model.calls.generate[0] as GenerateRequest;
    expect(request.references.map((reference) => reference.id)).toContain('zorb-photo');
  });

  it('abstains when no retrieved reference answers the question', async () => {
    const services = fakeServices();
    await seeded(services);
    const result = await answerQuestion(
      services,
      { tenant: 'acme', question: 'Who won the 1930 world cup?', topK: 3 },
      options,
    );
    expect(result).toMatchObject({ abstained: true, answer: '' });
    expect(result.evidence.every((evidence) => !evidence.relevant)).toBe(true);
  });

  it("never retrieves another tenant's knowledge", async () => {
    const services = fakeServices();
    await seeded(services, 'acme');
    const result = await answerQuestion(
      services,
      { tenant: 'globex', question: 'How deep is Lake Zorb?', topK: 5 },
      options,
    );
    expect(result.evidence).toEqual([]);
    expect(result.abstained).toBe(true);
  });

  it('passes the question image and the decoding settings to the generator', async () => {
    const services = fakeServices();
    await seeded(services);
    const image = await solidPng(12, 12);
    await answerQuestion(
      services,
      { tenant: 'acme', question: 'What is this?', image, topK: 2 },
      {
        ...options,
        generation: { maxNewTokens: 7, numBeams: 3 },
      },
    );
    const request = services.model.calls.generate[0] as GenerateRequest;
    // The picture was read once, by the linking call: its ViT features travel instead of its bytes.
    const [linked] = services.model.calls.embedKnowledge.at(-1)!;
    expect(linked).toEqual({ kind: 'image', image, caption: 'What is this?' });
    const [embedded] = await services.model.embedKnowledge([linked!]);
    expect(request.questionImage).toBeUndefined();
    expect(request.questionImageFeatures).toEqual(embedded!.features);
    expect(request.options).toEqual({ maxNewTokens: 7, numBeams: 3 });
  });

  it('refuses a question image that is not an image, or a decompression bomb, before any model call', async () => {
    const services = fakeServices();
    const notImage = new TextEncoder().encode('definitely text');
    await expect(
      answerQuestion(services, { tenant: 'acme', question: 'q', image: notImage, topK: 1 }, options),
    ).rejects.toThrow(InvalidImageError);
    await expect(
      answerQuestion(services, { tenant: 'acme', question: 'q', image: bombPngHeader(), topK: 1 }, options),
    ).rejects.toThrow(/over the limit/);
    expect(services.model.calls.embedText).toHaveLength(0);
  });

  it('turns a model that does not answer in time into ModelTimeoutError with a retry hint', async () => {
    const services = fakeServices({ generateDelayMs: 500 });
    await seeded(services);
    const attempt = answerQuestion(
      services,
      { tenant: 'acme', question: 'How deep is Lake Zorb?', topK: 3 },
      { ...options, modelTimeoutMs: 50 },
    );
    await expect(attempt).rejects.toThrow(ModelTimeoutError);
    await expect(attempt).rejects.toMatchObject({ code: 'model_timeout', retryAfterS: 5 });
  });

  it('keeps the prompt within the reference budget', async () => {
    const services = fakeServices({ generate: overlapAnswer });
    await seeded(services);
    await answerQuestion(
      services,
      { tenant: 'acme', question: 'Lake Zorb', topK: 3 },
      {
        ...options,
        budget: { ...options.budget, maxReferences: 1 },
      },
    );
    expect((services.model.calls.generate[0] as GenerateRequest).references).toHaveLength(1);
  });
});
