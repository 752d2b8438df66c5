/**
 * `npx tsx bench/visual-link-threshold.ts [--kb build/kb] [--split dev]`
 *
 * Measures how visual keys (`src/core/pipeline/visual-keys.ts`) separate copies of stored images from other images,
 * to choose the link threshold on the dev split (never test). For every image question of the split whose image is a
 * stored item, it scores against all stored image items: the image as stored, its 192-px render as a JPEG
 * (quality 85) and upscaled to 256 px as a user might send it, and, with its own item left out, the best other item
 * (a stored look-alike). It also scores every pre-training logo (never a knowledge item) against the items. Prints
 * one JSON object: per case the lowest or highest score, how often the own item is top-1, and links at each threshold.
 * @module
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import sharp, { type Sharp } from 'sharp';
import { computeVisualKeys } from '../src/core/model/visual-keys.js';
import { readJsonl } from '../training/kb/jsonl-file.js';
import { knowledgeRecordSchema, pretrainRecordSchema } from '../training/kb/kb-records.js';
import { questionRecordSchema, splitSchema } from '../training/kb/question-record.js';

const DIMENSION = 256;
const THRESHOLDS = [0.95, 0.97, 0.98, 0.985, 0.99, 0.995, 0.999];

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

/** Best score over `keys` (skipping index `skip`) and its index. */
function best(query: Float32Array, keys: readonly Float32Array[], skip = -1): { at: number; score: number } {
  let at = -1;
  let score = -Infinity;
  keys.forEach((key, i) => {
    if (i === skip) return;
    const s = dot(query, key);
    if (s > score) [at, score] = [i, s];
  });
  return { at, score };
}

const round = (x: number) => Math.round(x * 1e4) / 1e4;
const linksAt = (scores: readonly number[]) =>
  Object.fromEntries(THRESHOLDS.map((t) => [String(t), scores.filter((s) => s >= t).length]));

async function main(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: { kb: { type: 'string', default: 'build/kb' }, split: { type: 'string', default: 'dev' } },
    strict: true,
  });
  const split = splitSchema.parse(values.split);
  if (split === 'test') throw new Error('choose the threshold on dev or train, never on test');
  const kb = resolve(values.kb);
  const items = readJsonl(join(kb, 'knowledge.jsonl'), knowledgeRecordSchema).filter((i) => i.image !== undefined);
  const keys = await computeVisualKeys(await Promise.all(items.map((i) => readFile(join(kb, i.image!)))), DIMENSION);
  const indexOf = new Map(items.map((item, i) => [item.id, i]));

  const questions = readJsonl(join(kb, 'questions', `${split}.jsonl`), questionRecordSchema).filter((q) =>
    q.image?.startsWith('images/'),
  );
  const own = questions.map((q) => indexOf.get(q.image!.slice('images/'.length, -'.png'.length))!);
  const asSent = async (transform: (display: Sharp) => Sharp) =>
    computeVisualKeys(
      await Promise.all(
        questions.map((q) => transform(sharp(join(kb, q.image!.replace(/^images\//, 'display/')))).toBuffer()),
      ),
      DIMENSION,
    );
  const cases = {
    stored: own.map((i) => keys[i]!),
    jpeg_q85: await asSent((s) => s.jpeg({ quality: 85 })),
    upscaled_256: await asSent((s) => s.resize(256).png()),
  };
  const copies = Object.fromEntries(
    Object.entries(cases).map(([name, queries]) => {
      const ownScores = queries.map((q, k) => dot(q, keys[own[k]!]!));
      const top1 = queries.filter((q, k) => best(q, keys).at === own[k]).length;
      return [name, { own_top1: top1, own_min: round(Math.min(...ownScores)), links: linksAt(ownScores) }];
    }),
  );
  const lookAlikes = own.map((i) => best(keys[i]!, keys, i).score);
  const icons = readJsonl(join(kb, 'pretrain.jsonl'), pretrainRecordSchema).filter((p) => p.kind === 'icon');
  const iconKeys = await computeVisualKeys(await Promise.all(icons.map((p) => readFile(join(kb, p.image)))), DIMENSION);
  const iconScores = iconKeys.map((key) => best(key, keys).score);
  const report = {
    split,
    image_items: items.length,
    questions: questions.length,
    copies,
    look_alikes: { max: round(Math.max(...lookAlikes)), links: linksAt(lookAlikes) },
    unknown_logos: { count: icons.length, max: round(Math.max(...iconScores)), links: linksAt(iconScores) },
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
