import { describe, expect, it } from 'vitest';
import { solidPng } from '../../support/fakes/image-fixtures.js';
import { apiHarness, base64 } from './api-harness.js';

describe('knowledge upload and jobs', () => {
  it('stores uploaded records as a done job that GET /v1/ingest/jobs/{id} shows', async () => {
    const { call } = await apiHarness();
    const response = await call('POST', '/v1/knowledge', {
      items: [
        { id: 'a', text: 'Fact A.' },
        { text: 'Fact B.', metadata: { lang: 'en', rank: 2 } },
      ],
    });
    expect(response.status).toBe(201);
    const job = await response.json();
    expect(job).toMatchObject({ state: 'done', counts: { ingested: 2, skipped: 0, rejected: 0 }, attempts: 1 });
    expect(response.headers.get('location')).toBe(`/v1/ingest/jobs/${job.id}`);
    expect(await (await call('GET', `/v1/ingest/jobs/${job.id}`)).json()).toEqual(job);
    expect((await call('GET', '/v1/ingest/jobs/job-unknown')).status).toBe(404);
  });

  it('returns the same job, with no new vectors, when the same records are uploaded again', async () => {
    const { call, services } = await apiHarness();
    const items = [{ text: 'Fact A.' }];
    const first = await (await call('POST', '/v1/knowledge', { items })).json();
    const second = await (await call('POST', '/v1/knowledge', { items })).json();
    expect(second.id).toBe(first.id);
    expect(services.index.upserts).toHaveLength(1);
  });

  it('refuses an upload with one bad record, storing nothing', async () => {
    const { call, services } = await apiHarness();
    const response = await call('POST', '/v1/knowledge', {
      items: [{ text: 'Fine.' }, { image: base64(new TextEncoder().encode('not an image!')), caption: 'x' }],
    });
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatchObject({
      code: 'invalid_image',
      message: expect.stringMatching(/^items\[1\]/),
    });
    const malformed = await call('POST', '/v1/knowledge', { items: [{ text: 'a', image: 'b.png', caption: 'c' }] });
    expect(malformed.status).toBe(400);
    expect((await call('POST', '/v1/knowledge', { items: [] })).status).toBe(400);
    expect(services.index.upserts).toHaveLength(0);
    expect(services.jobs.history).toHaveLength(0);
  });
});

describe('knowledge items', () => {
  it('shows an item, serves its image for evidence cards, and deletes it with its blobs', async () => {
    const { call, services } = await apiHarness();
    const png = await solidPng(12, 12);
    await call('POST', '/v1/knowledge', {
      items: [{ id: 'flag-pe', title: 'Peru', image: base64(png), caption: 'Flag of Peru', metadata: { iso: 'PE' } }],
    });
    const item = await (await call('GET', '/v1/knowledge/flag-pe')).json();
    expect(item).toMatchObject({
      id: 'flag-pe',
      modality: 'image',
      caption: 'Flag of Peru',
      title: 'Peru',
      imageUrl: '/v1/knowledge/flag-pe/image',
      modelVersion: 'fake-model@1',
      metadata: { iso: 'PE' },
    });
    const image = await call('GET', item.imageUrl);
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await image.arrayBuffer()).equals(Buffer.from(png))).toBe(true);

    expect((await call('DELETE', '/v1/knowledge/flag-pe')).status).toBe(204);
    expect((await call('GET', '/v1/knowledge/flag-pe')).status).toBe(404);
    expect((await call('GET', '/v1/knowledge/flag-pe/image')).status).toBe(404);
    expect(services.blobs.keys('tenants/acme/')).toEqual([]);
  });

  it('answers 404 for the image of a text item, and 400 for an id that cannot exist', async () => {
    const { call } = await apiHarness();
    await call('POST', '/v1/knowledge', { items: [{ id: 't1', text: 'Text only.' }] });
    expect((await call('GET', '/v1/knowledge/t1/image')).status).toBe(404);
    expect((await call('GET', '/v1/knowledge/%2Fetc%2Fpasswd')).status).toBe(400);
  });
});
