import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectKnowledge } from '../../../cli/collect-knowledge.js';
import { MAX_RECORDS_PER_UPLOAD, MAX_UPLOAD_BYTES, batchRecords } from '../../../web/knowledge-upload.js';

let dir: string;
let png: Buffer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rablip-cli-'));
  png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#c00' } })
    .png()
    .toBuffer();
  await mkdir(join(dir, 'flags'));
  await mkdir(join(dir, '.hidden'));
  await writeFile(join(dir, 'flags', 'peru.png'), png);
  await writeFile(join(dir, 'flags', 'peru.txt'), 'flag of Peru: red and white vertical stripes');
  await writeFile(
    join(dir, 'facts.jsonl'),
    '{"id":"peru-capital","title":"Peru","text":"The capital of Peru is Lima."}\nnot json\n',
  );
  await writeFile(join(dir, 'notes.md'), '# Chile\n\nThe capital of Chile is Santiago.\n');
  await writeFile(join(dir, 'orphan.caption.txt'), 'no image beside me');
  await writeFile(join(dir, 'table.csv'), 'a,b\n');
  await writeFile(join(dir, '.hidden', 'secret.txt'), 'must not be uploaded');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('collecting a knowledge folder', () => {
  it('turns records, captioned images and passages into upload records, once each', async () => {
    const collected = await collectKnowledge(dir);
    expect(collected.fileCount).toBe(5);
    const images = collected.records.filter((r) => r.image !== undefined);
    expect(images).toHaveLength(1);
    expect(images[0]).toMatchObject({ caption: 'flag of Peru: red and white vertical stripes', title: 'peru' });
    expect(Buffer.from(images[0]?.image ?? '', 'base64').equals(png)).toBe(true);
    expect(collected.records).toContainEqual({
      id: 'peru-capital',
      title: 'Peru',
      text: 'The capital of Peru is Lima.',
    });
    expect(collected.records.some((r) => r.text?.includes('Santiago'))).toBe(true);
    expect(collected.records.some((r) => r.text?.includes('must not be uploaded'))).toBe(false);
  });

  it('reports the malformed line and the caption without an image, and keeps the rest', async () => {
    const { rejected } = await collectKnowledge(dir);
    expect(rejected.map((r) => r.where)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^facts\.jsonl: line 2/),
        expect.stringMatching(/^orphan\.caption\.txt/),
      ]),
    );
  });

  it('refuses an image over the byte limit as a rejected file, not a crash', async () => {
    const { records, rejected } = await collectKnowledge(dir, { maxImageBytes: 10 });
    expect(records.some((r) => r.image !== undefined)).toBe(false);
    expect(rejected.some((r) => r.where.startsWith('flags/peru') && /over the limit/.test(r.reason))).toBe(true);
  });
});

describe('packing records into upload requests', () => {
  const record = (n: number) => ({ id: `r${n}`, text: 'x'.repeat(100) });

  it('caps the number of records per request', () => {
    const batches = batchRecords(
      Array.from({ length: 10 }, (_, i) => record(i)),
      { maxItems: 4, maxBytes: 1e6 },
    );
    expect(batches.map((b) => b.length)).toEqual([4, 4, 2]);
  });

  it('caps the JSON bytes per request, but never leaves a record out', () => {
    const batches = batchRecords(
      Array.from({ length: 5 }, (_, i) => record(i)),
      { maxItems: 100, maxBytes: 250 },
    );
    expect(batches.map((b) => b.length)).toEqual([2, 2, 1]);
    expect(batchRecords([{ id: 'big', text: 'y'.repeat(1000) }], { maxItems: 10, maxBytes: 10 })).toHaveLength(1);
  });
});

describe('the upload limits of the clients', () => {
  it('match the API: at most MAX_UPLOAD_ITEMS records, and a request under its body limit', async () => {
    const { MAX_UPLOAD_ITEMS } = await import('../../../functions/api/api-schemas.js');
    const { parseConfig } = await import('../../../src/core/config.js');
    expect(MAX_RECORDS_PER_UPLOAD).toBe(MAX_UPLOAD_ITEMS);
    expect(MAX_UPLOAD_BYTES).toBeLessThan(parseConfig({}).limits.maxBodyBytes);
  });
});
