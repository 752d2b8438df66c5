import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/core/errors.js';
import {
  contentId,
  parseDocument,
  type DocumentContext,
  type ImageKnowledgeItem,
  type TextKnowledgeItem,
} from '../../../src/core/knowledge/index.js';
import { solidPng } from '../../support/fakes/image-fixtures.js';

const encoder = new TextEncoder();

function contextWith(files: Record<string, Uint8Array | string>, passageMaxChars = 400): DocumentContext {
  return {
    imageLimits: { maxBytes: 1_000_000, maxPixels: 1_000_000 },
    passageMaxChars,
    readSibling: async (path) => {
      const file = files[path];
      return typeof file === 'string' ? encoder.encode(file) : file;
    },
  };
}

function doc(key: string, text: string | Uint8Array) {
  return { key, bytes: typeof text === 'string' ? encoder.encode(text) : text };
}

describe('JSONL knowledge files', () => {
  it('ingests text and image records, with images beside the file or inline as base64', async () => {
    const png = await solidPng();
    const lines = [
      JSON.stringify({ id: 'peru-capital', title: 'Peru', text: 'The capital of Peru is Lima.' }),
      JSON.stringify({ image: 'flags/peru.png', caption: 'Flag of Peru', metadata: { country: 'PE' } }),
      JSON.stringify({ image: Buffer.from(png).toString('base64'), caption: 'Inline flag' }),
      JSON.stringify({ image: `data:image/png;base64,${Buffer.from(png).toString('base64')}`, caption: 'Data URL' }),
    ].join('\n');
    const parsed = await parseDocument(doc('kb/knowledge.jsonl', lines), contextWith({ 'flags/peru.png': png }));
    expect(parsed.rejected).toEqual([]);
    expect(parsed.items.map((item) => item.kind)).toEqual(['text', 'image', 'image', 'image']);
    expect(parsed.items[0]).toMatchObject({ id: 'peru-capital', title: 'Peru', source: 'kb/knowledge.jsonl' });
    const flag = parsed.items[1] as ImageKnowledgeItem;
    expect(flag).toMatchObject({ caption: 'Flag of Peru', format: 'png', attributes: { country: 'PE' } });
    expect(flag.id).toBe(contentId({ kind: 'image', image: png, caption: 'Flag of Peru' }));
    expect(Buffer.from(flag.image).equals(Buffer.from(png))).toBe(true);
  });

  it('skips and reports malformed lines while keeping the rest', async () => {
    const lines = [
      JSON.stringify({ text: 'Lake Zorb is the deepest lake in Freedonia.' }),
      '{"text": "unterminated',
      JSON.stringify({ text: 'both', image: 'a.png', caption: 'x' }),
      '',
      JSON.stringify({ image: 'missing.png', caption: 'gone' }),
      JSON.stringify({ image: '../outside.png', caption: 'escape' }),
      JSON.stringify({ image: 'bad.png', caption: 'not an image' }),
      JSON.stringify({ id: 'has/slash', text: 'bad id' }),
      JSON.stringify({ text: 'Lake Zorb is the deepest lake in Freedonia.' }),
      JSON.stringify({ text: 'The Zorb river is 40 km long.' }),
    ].join('\n');
    const parsed = await parseDocument(doc('k.jsonl', lines), contextWith({ 'bad.png': 'plain text' }));
    expect(parsed.items.map((item) => (item as TextKnowledgeItem).text)).toEqual([
      'Lake Zorb is the deepest lake in Freedonia.',
      'The Zorb river is 40 km long.',
    ]);
    expect(parsed.rejected.map((entry) => entry.where)).toEqual([
      'line 2',
      'line 3',
      'line 5',
      'line 6',
      'line 7',
      'line 8',
      'line 9',
    ]);
    expect(parsed.rejected[0]?.reason).toMatch(/not JSON/);
    expect(parsed.rejected[1]?.reason).toMatch(/either "text" or "image"/);
    expect(parsed.rejected[2]?.reason).toMatch(/not found/);
    expect(parsed.rejected[3]?.reason).toMatch(/leaves the folder/);
    expect(parsed.rejected[4]?.reason).toMatch(/not a PNG, JPEG or WebP/);
    expect(parsed.rejected[5]?.reason).toMatch(/no slash/);
    expect(parsed.rejected[6]?.reason).toMatch(/same id .* as line 1/);
  });
});

describe('an image with a sidecar caption', () => {
  it('reads the caption from x.caption.txt or x.txt', async () => {
    const png = await solidPng();
    const fromCaption = await parseDocument(doc('pics/x.png', png), contextWith({ 'x.caption.txt': 'A red square\n' }));
    expect(fromCaption.items).toEqual([
      expect.objectContaining({ kind: 'image', caption: 'A red square', title: 'x' }),
    ]);
    const fromTxt = await parseDocument(doc('y.png', png), contextWith({ 'y.txt': 'Another red square' }));
    expect(fromTxt.items[0]).toMatchObject({ caption: 'Another red square', source: 'y.png' });
  });

  it('fails the document when the caption is missing, naming the files to add', async () => {
    await expect(parseDocument(doc('x.png', await solidPng()), contextWith({}))).rejects.toThrow(
      /x.png has no caption: put x.txt or x.caption.txt beside it/,
    );
  });

  it('ingests the image when its caption arrives after it', async () => {
    const png = await solidPng();
    const parsed = await parseDocument(
      doc('pics/x.txt', 'A red square'),
      contextWith({ 'x.png': png, 'x.txt': 'A red square' }),
    );
    expect(parsed.source).toBe('pics/x.png');
    expect(parsed.items).toEqual([
      expect.objectContaining({ kind: 'image', caption: 'A red square', source: 'pics/x.png' }),
    ]);
  });
});

describe('text and Markdown documents', () => {
  it('splits Markdown into passages titled by their section', async () => {
    const markdown = [
      '# Lakes',
      '',
      'Lake **Zorb** is deep.',
      '',
      'It is [cold](http://x).',
      '',
      '## Rivers',
      'The Zorb river is long.',
    ].join('\n');
    const parsed = await parseDocument(doc('notes/geo.md', markdown), contextWith({}));
    expect(parsed.items.map((item) => [item.title, (item as TextKnowledgeItem).text])).toEqual([
      ['Lakes', 'Lake Zorb is deep.\n\nIt is cold.'],
      ['Rivers', 'The Zorb river is long.'],
    ]);
  });

  it('keeps every passage within the passage limit, cutting at sentence ends', async () => {
    const text = Array.from({ length: 20 }, (_, i) => `Freedonia exported ${i * 7} tonnes of cheese in ${1990 + i}.`);
    const parsed = await parseDocument(doc('long.txt', text.join(' ')), contextWith({}, 120));
    expect(parsed.items.length).toBeGreaterThan(5);
    for (const item of parsed.items as TextKnowledgeItem[]) {
      expect(item.text.length).toBeLessThanOrEqual(120);
      expect(item.text.endsWith('.')).toBe(true);
      expect(item.title).toBe('long');
    }
  });

  it('refuses a file type it cannot read', async () => {
    await expect(parseDocument(doc('slides.pdf', 'x'), contextWith({}))).rejects.toThrow(AppError);
  });
});

describe('WebQA-format JSON', () => {
  it('turns every text and image fact into an item, once, reporting facts whose image is missing', async () => {
    const png = await solidPng();
    const webqa = {
      q1: {
        Q: 'What colour is the roof?',
        txt_posFacts: [{ title: 'Zorb Hall', fact: 'Zorb Hall has a green roof.', snippet_id: 'd01' }],
        txt_negFacts: [{ title: 'Other', fact: 'Unrelated.', snippet_id: 'd02' }],
        img_posFacts: [{ image_id: 301, title: 'Zorb Hall', caption: 'Zorb Hall in spring' }],
        img_negFacts: [{ image_id: 302, caption: 'Missing image' }],
      },
      q2: { txt_negFacts: [{ title: 'Zorb Hall', fact: 'Zorb Hall has a green roof.', snippet_id: 'd01' }] },
    };
    const parsed = await parseDocument(
      doc('webqa.json', JSON.stringify(webqa)),
      contextWith({ 'images/301.png': png }),
    );
    expect(parsed.items.map((item) => item.id)).toEqual(['d01', 'd02', '301']);
    expect(parsed.items[0]).toMatchObject({
      kind: 'text',
      text: 'Zorb Hall: Zorb Hall has a green roof.',
      title: 'Zorb Hall',
    });
    expect(parsed.items[2]).toMatchObject({ kind: 'image', caption: 'Zorb Hall in spring' });
    expect(parsed.rejected).toEqual([
      { where: 'sample 1 img_negFacts[0]', reason: expect.stringMatching(/302 not found/) },
    ]);
  });

  it('refuses JSON that holds no WebQA samples', async () => {
    await expect(parseDocument(doc('other.json', '{"a": 1}'), contextWith({}))).rejects.toThrow(/no WebQA samples/);
  });
});
