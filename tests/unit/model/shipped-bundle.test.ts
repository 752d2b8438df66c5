/**
 * The committed int8 demo bundle (models/ra-blip-mini): a row's output must not depend on the other rows of its batch,
 * because ingest embeds many images to a call and concurrent answers are micro-batched into one `generate`.
 */
import { resolve } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelRuntime } from '../../../src/core/model/index.js';
import { computeVisualKeys } from '../../../src/core/model/visual-keys.js';

const BUNDLE = resolve(import.meta.dirname, '../../../models/ra-blip-mini');
let runtime: ModelRuntime;

/** A three-band flag-like picture. */
function bands(colours: readonly [string, string, string]): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="90" height="60">${colours
    .map((c, i) => `<rect x="${i * 30}" width="30" height="60" fill="${c}"/>`)
    .join('')}</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

beforeAll(async () => {
  runtime = await ModelRuntime.load(BUNDLE, { intraOpNumThreads: 1 });
});

afterAll(async () => {
  await runtime?.release();
});

describe('the shipped int8 bundle', () => {
  it('gives an image the same embedding and features alone and in a batch of unlike images', async () => {
    const images = await Promise.all([
      bands(['#009246', '#ffffff', '#ce2b37']),
      bands(['#000000', '#dd0000', '#ffce00']),
      bands(['#0055a4', '#ffffff', '#ef4135']),
      bands(['#ffffff', '#ffffff', '#ffffff']),
    ]);
    const asInput = (image: Buffer) => ({ kind: 'image' as const, image, caption: 'Flag of somewhere' });
    const [alone] = await runtime.embedKnowledge([asInput(images[0]!)]);
    const batched = await runtime.embedKnowledge(images.map(asInput));
    const diff = Math.max(...alone!.embedding.map((v, i) => Math.abs(v - batched[0]!.embedding[i]!)));
    expect(diff).toBeLessThan(1e-5);
    const features = Math.max(...alone!.features!.data.map((v, i) => Math.abs(v - batched[0]!.features!.data[i]!)));
    expect(features).toBeLessThan(1e-5);
  });

  it('decodes a knowledge image once for its features and its visual key, with what each path alone gives', async () => {
    const image = await sharp(await bands(['#009246', '#ffffff', '#ce2b37']))
      .resize(300, 200)
      .jpeg({ quality: 80 })
      .toBuffer();
    const [embedded] = await runtime.embedKnowledge([{ kind: 'image', image, caption: 'Flag of somewhere' }]);
    const features = await runtime.encodeImage(image);
    const [key] = await computeVisualKeys([image], runtime.info().dEmbed);
    expect(Array.from(embedded!.features!.data)).toEqual(Array.from(features.data));
    expect(Array.from(embedded!.visualKey!)).toEqual(Array.from(key!));
  });

  it('answers a question alone as it does inside a micro-batch of unlike requests', async () => {
    const fact = (id: string, text: string, score: number) => ({ id, kind: 'text' as const, text, score });
    const requests = [
      {
        question: 'What currency is used in Peru?',
        references: [
          fact('a', 'The currency of Peru is the Peruvian sol (PEN).', 0.9),
          fact('b', 'Peru has an area of 1,285,216 square kilometres.', 0.6),
        ],
      },
      {
        question: 'Which is larger, Chile or Peru?',
        references: [
          fact('c', 'Chile has an area of 756,102 square kilometres.', 0.8),
          fact('d', 'Peru has an area of 1,285,216 square kilometres.', 0.79),
          fact('e', 'The capital of Chile is Santiago.', 0.5),
        ],
      },
      {
        question: 'What is the capital of the Kingdom of Narnia?',
        references: [fact('f', 'The capital of Norway is Oslo.', 0.4)],
      },
    ];
    const alone = await runtime.generate([requests[0]!]);
    const batched = await runtime.generate(requests);
    expect(batched[0]!.text).toBe(alone[0]!.text);
    expect(alone[0]!.abstained).toBe(false);
  });

  it('gives a question the same embedding alone and beside longer ones', async () => {
    const question = 'What currency is used in Peru?';
    const [alone] = await runtime.embedText([question]);
    const [first] = await runtime.embedText([
      question,
      'Which colours appear on the flag of the country whose capital is Ulaanbaatar, and which of them is widest?',
      'Name this emoji.',
    ]);
    expect(Math.max(...alone!.map((v, i) => Math.abs(v - first![i]!)))).toBeLessThan(1e-5);
  });
});
