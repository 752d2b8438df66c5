import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildKnowledgeBase } from '../../../training/kb/build-kb.js';
import { computeContentId, hashSha256 } from '../../../training/kb/content-id.js';
import { readJsonl } from '../../../training/kb/jsonl-file.js';
import { attributeRecordSchema, knowledgeRecordSchema, pretrainRecordSchema } from '../../../training/kb/kb-records.js';
import { parseKbOptions } from '../../../training/kb/kb-options.js';

const select = [
  'country/JPN',
  'country/ITA',
  'country/BRA',
  'country/MAR',
  'country/NOR',
  'emoji/1F680',
  'emoji/1F34E',
  'icon/github',
];

function build(out: string): ReturnType<typeof buildKnowledgeBase> {
  return buildKnowledgeBase(parseKbOptions(['--out', out, '--select', select.join(','), '--skip-questions']));
}

describe('knowledge base builder', () => {
  let root: string;
  let out: string;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'kb-test-'));
    out = join(root, 'kb');
    await build(out);
  });

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const colours = (entity: string): string[] =>
    readJsonl(join(out, 'attributes.jsonl'), attributeRecordSchema).find(
      (a) => a.entity === entity && a.kind === 'flag',
    )?.colours ?? [];

  it('reads flag colours from the pixels: Japan is red and white', () => {
    expect(new Set(colours('country/JPN'))).toEqual(new Set(['red', 'white']));
  });

  it('reads flag colours from the pixels: Italy is green, white and red', () => {
    expect(new Set(colours('country/ITA'))).toEqual(new Set(['green', 'white', 'red']));
  });

  it('reads flag colours from the pixels: Brazil has green, yellow and blue', () => {
    expect(colours('country/BRA')).toEqual(expect.arrayContaining(['green', 'yellow', 'blue']));
  });

  it("keeps a thin emblem that gives a flag its second colour (Morocco's green star)", () => {
    expect(colours('country/MAR')).toEqual(['red', 'green']);
  });

  it('never writes colour attributes into captions or passages', () => {
    const countryItems = readJsonl(join(out, 'knowledge.jsonl'), knowledgeRecordSchema).filter(
      (k) => k.source === 'countries',
    );
    const colourWord = /\b(red|white|green|yellow|blue|black|orange)\b/i;
    expect(countryItems.length).toBeGreaterThan(30);
    for (const item of countryItems) expect(item.caption ?? item.text ?? '').not.toMatch(colourWord);
  });

  it('renders every knowledge image as a 64×64 RGB PNG with a 192 px display copy', async () => {
    const images = readJsonl(join(out, 'knowledge.jsonl'), knowledgeRecordSchema).filter((k) => k.modality === 'image');
    expect(images.map((k) => k.kind).sort()).toEqual([
      'emoji',
      'emoji',
      ...Array(5).fill('flag'),
      ...Array(5).fill('shape'),
    ]);
    for (const item of images) {
      const meta = await sharp(join(out, item.image as string)).metadata();
      expect({ width: meta.width, height: meta.height, channels: meta.channels, format: meta.format }).toEqual({
        width: 64,
        height: 64,
        channels: 3,
        format: 'png',
      });
      expect((await sharp(join(out, item.display as string)).metadata()).width).toBe(192);
    }
  });

  it('gives every item an id that is the content hash of what it is', () => {
    for (const item of readJsonl(join(out, 'knowledge.jsonl'), knowledgeRecordSchema)) {
      const imageSha256 = item.image ? hashSha256(readFileSync(join(out, item.image))) : undefined;
      const content = item.caption ?? item.text ?? '';
      expect(
        computeContentId({ modality: item.modality, kind: item.kind, entity: item.entity, content, imageSha256 }),
      ).toBe(item.id);
    }
  });

  it('puts knowledge images and icons into the pre-training pairs, icons only there', () => {
    const pretrain = readJsonl(join(out, 'pretrain.jsonl'), pretrainRecordSchema);
    expect(pretrain.filter((p) => p.source === 'icons').map((p) => p.caption)).toEqual(['Logo of GitHub']);
    expect(pretrain).toHaveLength(13);
    expect(readFileSync(join(out, 'knowledge.jsonl'), 'utf8')).not.toContain('GitHub');
  });

  it('writes the same bytes when built again from scratch elsewhere', async () => {
    const again = join(root, 'again');
    await build(again);
    for (const file of ['knowledge.jsonl', 'attributes.jsonl', 'pretrain.jsonl', 'entities.jsonl', 'manifest.json']) {
      expect(readFileSync(join(again, file), 'utf8'), file).toBe(readFileSync(join(out, file), 'utf8'));
    }
  });

  it('skips unchanged renders on a re-run (PNG files are left untouched)', async () => {
    const first = readJsonl(join(out, 'knowledge.jsonl'), knowledgeRecordSchema).find((k) => k.kind === 'flag');
    const path = join(out, first?.image as string);
    const before = statSync(path).mtimeMs;
    await build(out);
    expect(existsSync(join(out, '.cache', 'renders.json'))).toBe(true);
    expect(statSync(path).mtimeMs).toBe(before);
  });

  it('builds only the first N entities of each source with --limit', async () => {
    const limited = join(root, 'limited');
    const summary = await buildKnowledgeBase(parseKbOptions(['--out', limited, '--limit', '2', '--skip-questions']));
    const entities = new Set(readJsonl(join(limited, 'knowledge.jsonl'), knowledgeRecordSchema).map((k) => k.entity));
    expect([...entities].sort()).toEqual(['country/ABW', 'country/AFG', 'emoji/1F004', 'emoji/1F0CF']);
    expect(summary.pretrain).toBe(2 * 2 + 2 + 2);
  });

  it('rejects unknown flags and bad values', () => {
    expect(() => parseKbOptions(['--limt', '3'])).toThrow();
    expect(() => parseKbOptions(['--limit', '-1'])).toThrow();
  });

  it('lists sources, versions and licences in the manifest, with the Twemoji attribution', () => {
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as {
      sources: { package: string; version: string; attribution?: string }[];
      counts: { knowledge: number };
    };
    expect(manifest.sources.map((s) => s.package)).toEqual([
      'world-countries',
      'emojibase-data',
      '@twemoji/svg',
      'simple-icons',
    ]);
    expect(manifest.sources.find((s) => s.package === '@twemoji/svg')?.attribution).toBe(
      'Twemoji by Twitter, Inc and other contributors, CC-BY 4.0',
    );
    expect(manifest.counts.knowledge).toBe(readJsonl(join(out, 'knowledge.jsonl'), knowledgeRecordSchema).length);
  });
});
