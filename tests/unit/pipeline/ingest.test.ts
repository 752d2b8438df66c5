import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/core/errors.js';
import type { SiblingReader } from '../../../src/core/knowledge/index.js';
import {
  decodeImageFeatures,
  forgetDocument,
  ingestDocument,
  uploadKnowledge,
  type DocumentIngestOptions,
} from '../../../src/core/pipeline/index.js';
import { FAKE_DIMENSIONS, FAKE_FEATURE_DIMS, FakeModelClient } from '../../support/fakes/fake-model-client.js';
import { fakeServices } from '../../support/fakes/fake-services.js';
import { solidPng } from '../../support/fakes/image-fixtures.js';

const encoder = new TextEncoder();
const options: DocumentIngestOptions = {
  batchSize: 2,
  imageLimits: { maxBytes: 100_000, maxPixels: 1_000_000 },
  passageMaxChars: 400,
  maxDocumentBytes: 100_000,
};

function siblings(files: Record<string, Uint8Array>): SiblingReader {
  return async (path) => files[path];
}

function jsonl(...records: object[]): Uint8Array {
  return encoder.encode(records.map((record) => JSON.stringify(record)).join('\n'));
}

describe('ingesting a knowledge file', () => {
  it('stores vectors in the tenant namespace, the image, and its ViT features under featuresKey', async () => {
    const services = fakeServices();
    const png = await solidPng();
    const bytes = jsonl({ text: 'Lake Zorb is deep.' }, { id: 'flag-pe', image: 'pe.png', caption: 'Flag of Peru' });
    const job = await ingestDocument(
      services,
      { tenant: 'acme', origin: 'knowledge/', key: 'kb.jsonl', bytes, readSibling: siblings({ 'pe.png': png }) },
      options,
    );
    expect(job).toMatchObject({ state: 'done', counts: { ingested: 2, skipped: 0, rejected: 0 }, attempts: 1 });
    expect(services.jobs.history.map((entry) => entry.state)).toEqual(['queued', 'done']);
    expect(services.index.size('acme')).toBe(2);
    const [flag] = await services.index.fetch('acme', ['flag-pe']);
    expect(flag?.metadata).toMatchObject({ modality: 'image', content: 'Flag of Peru', source: 'knowledge/kb.jsonl' });
    expect(flag?.metadata.modelVersion).toBe('fake-model@1');
    const stored = await services.blobs.get(flag?.metadata.imageKey ?? '');
    expect(Buffer.from(stored).equals(Buffer.from(png))).toBe(true);
    const features = decodeImageFeatures(await services.blobs.get(flag?.metadata.featuresKey ?? ''));
    expect(features.dims).toEqual(FAKE_FEATURE_DIMS);
    expect(services.blobs.keys().every((key) => key.startsWith('tenants/acme/'))).toBe(true);
  });

  it('writes no duplicate vectors and calls no model when the same object is delivered twice', async () => {
    const services = fakeServices();
    const request = {
      tenant: 'acme',
      origin: 's3://bucket/',
      key: 'kb.jsonl',
      bytes: jsonl({ text: 'Lake Zorb is deep.' }, { text: 'Zorb river is long.' }),
      readSibling: siblings({}),
    };
    const first = await ingestDocument(services, request, options);
    const embedCalls = services.model.calls.embedKnowledge.length;
    const second = await ingestDocument(services, request, options);
    expect(second).toEqual(first);
    expect(services.index.size('acme')).toBe(2);
    expect(services.index.upserts).toHaveLength(2);
    expect(services.model.calls.embedKnowledge).toHaveLength(embedCalls);
  });

  it('embeds a document done under an older model again when the same object is delivered after an upgrade', async () => {
    const before = fakeServices();
    const request = {
      tenant: 'acme',
      origin: 'demo/',
      key: 'kb.jsonl',
      bytes: jsonl({ id: 'zorb', text: 'Lake Zorb is deep.' }),
      readSibling: siblings({}),
    };
    await ingestDocument(before, request, options);
    const upgraded = {
      ...before,
      model: new FakeModelClient({ info: { name: 'fake-model', version: '2', dEmbed: FAKE_DIMENSIONS } }),
    };
    const job = await ingestDocument(upgraded, request, options);
    expect(job).toMatchObject({ state: 'done', counts: { ingested: 1, skipped: 0 }, attempts: 2 });
    expect(upgraded.model.calls.embedKnowledge).toHaveLength(1);
    const [record] = await upgraded.index.fetch('acme', ['zorb']);
    expect(record?.metadata.modelVersion).toBe('fake-model@2');
    const again = await ingestDocument(upgraded, request, options);
    expect(again).toEqual(job);
    expect(upgraded.model.calls.embedKnowledge).toHaveLength(1);
  });

  it('skips items it holds when the same content arrives in another file', async () => {
    const services = fakeServices();
    const base = { tenant: 'acme', origin: 'knowledge/', readSibling: siblings({}) };
    await ingestDocument(services, { ...base, key: 'a.jsonl', bytes: jsonl({ text: 'Lake Zorb is deep.' }) }, options);
    const job = await ingestDocument(
      services,
      { ...base, key: 'b.jsonl', bytes: jsonl({ text: 'Lake Zorb is deep.' }, { text: 'New fact.' }) },
      options,
    );
    expect(job.counts).toEqual({ ingested: 1, skipped: 1, rejected: 0 });
    expect(services.index.size('acme')).toBe(2);
  });

  it('ingests the good lines of a file with malformed lines and reports the bad ones on the job', async () => {
    const services = fakeServices();
    const bytes = encoder.encode(['{"text": "Good line."}', 'not json', '{"caption": "no image"}'].join('\n'));
    const job = await ingestDocument(
      services,
      { tenant: 'acme', origin: '', key: 'kb.jsonl', bytes, readSibling: siblings({}) },
      options,
    );
    expect(job.state).toBe('done');
    expect(job.counts).toEqual({ ingested: 1, skipped: 0, rejected: 2 });
    expect(job.errors).toEqual([expect.stringMatching(/^line 2: not JSON/), expect.stringMatching(/^line 3: /)]);
  });

  it('rejects only the image the model cannot decode, and stores the rest of the batch', async () => {
    const good = await solidPng(8, 8);
    const other = await solidPng(9, 9);
    // A valid PNG header followed by garbage: passes the header check, fails decoding in the model.
    const broken = Uint8Array.from([...good.subarray(0, 33), 0, 0, 0]);
    const services = fakeServices({ refuseImage: (image) => image.length === broken.length });
    const bytes = jsonl(
      { image: 'good.png', caption: 'good' },
      { image: 'broken.png', caption: 'broken' },
      { image: 'other.png', caption: 'other' },
    );
    const job = await ingestDocument(
      services,
      {
        tenant: 'acme',
        origin: '',
        key: 'kb.jsonl',
        bytes,
        readSibling: siblings({ 'good.png': good, 'broken.png': broken, 'other.png': other }),
      },
      options,
    );
    expect(job.counts).toEqual({ ingested: 2, skipped: 0, rejected: 1 });
    expect(job.errors?.[0]).toMatch(/cannot decode/);
    expect(services.index.size('acme')).toBe(2);
  });

  it('marks the job failed with the reason, and rethrows, when the document is unusable', async () => {
    const services = fakeServices();
    const request = { tenant: 'acme', origin: '', key: 'x.png', bytes: await solidPng(), readSibling: siblings({}) };
    await expect(ingestDocument(services, request, options)).rejects.toThrow(AppError);
    const [job] = [...services.jobs.jobs.values()];
    expect(job).toMatchObject({ state: 'failed', errors: [expect.stringMatching(/has no caption/)] });
  });

  it('refuses a document over the size limit', async () => {
    const services = fakeServices();
    const request = {
      tenant: 'acme',
      origin: '',
      key: 'big.txt',
      bytes: new Uint8Array(options.maxDocumentBytes + 1).fill(65),
      readSibling: siblings({}),
    };
    await expect(ingestDocument(services, request, options)).rejects.toMatchObject({ code: 'payload_too_large' });
  });

  it('drops the items a changed document no longer has, forgets a removed one, and takes it back', async () => {
    const services = fakeServices();
    const base = { tenant: 'acme', origin: 'knowledge/', key: 'notes.md', readSibling: siblings({}) };
    const one = encoder.encode('# A\nFirst fact.\n\n# B\nSecond fact.');
    const two = encoder.encode('# A\nFirst fact.\n\n# C\nThird fact.');
    await ingestDocument(services, { ...base, bytes: one }, { ...options, passageMaxChars: 50 });
    const job = await ingestDocument(services, { ...base, bytes: two }, { ...options, passageMaxChars: 50 });
    expect(job.counts).toEqual({ ingested: 1, skipped: 1, rejected: 0 });
    const texts = [...(services.index.namespaces.get('acme')?.values() ?? [])].map((r) => r.metadata.content);
    expect(texts.sort()).toEqual(['First fact.', 'Third fact.']);
    expect(await forgetDocument(services, 'acme', 'knowledge/notes.md')).toBe(2);
    expect(services.index.size('acme')).toBe(0);
    const restored = await ingestDocument(services, { ...base, bytes: two }, { ...options, passageMaxChars: 50 });
    expect(restored.counts).toEqual({ ingested: 2, skipped: 0, rejected: 0 });
    expect(services.index.size('acme')).toBe(2);
  });

  it('keeps tenants apart: the same file for two tenants lands in two namespaces', async () => {
    const services = fakeServices();
    const request = { origin: '', key: 'kb.jsonl', bytes: jsonl({ text: 'Shared.' }), readSibling: siblings({}) };
    await ingestDocument(services, { ...request, tenant: 'acme' }, options);
    await ingestDocument(services, { ...request, tenant: 'globex' }, options);
    expect(services.index.size('acme')).toBe(1);
    expect(services.index.size('globex')).toBe(1);
  });
});

describe('uploading knowledge directly', () => {
  it('stores the records as one done job, and the same upload again as the same job with no new vectors', async () => {
    const services = fakeServices();
    const records = [{ text: 'Lake Zorb is deep.' }, { text: 'Zorb river is long.' }];
    const first = await uploadKnowledge(services, 'acme', records, { ...options });
    expect(first).toMatchObject({ state: 'done', counts: { ingested: 2, skipped: 0, rejected: 0 } });
    expect(first.source).toBe(`upload:${first.id}`);
    const again = await uploadKnowledge(services, 'acme', records, { ...options });
    expect(again).toEqual(first);
    expect(services.index.upserts).toHaveLength(2);
  });

  it('refuses the whole upload, writing nothing, when one record has a bad image', async () => {
    const services = fakeServices();
    const records = [{ text: 'Good.' }, { image: Buffer.from('not an image at all').toString('base64'), caption: 'x' }];
    await expect(uploadKnowledge(services, 'acme', records, options)).rejects.toMatchObject({
      code: 'invalid_image',
      message: expect.stringMatching(/^items\[1\]: not a PNG/),
    });
    expect(services.index.upserts).toHaveLength(0);
    expect(services.jobs.history).toHaveLength(0);
    expect(services.blobs.keys()).toEqual([]);
  });
});
