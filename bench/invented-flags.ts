/**
 * `npx tsx bench/invented-flags.ts [--kb build/kb] [--out build/probes/invented-flags] [--split test|dev] [--count 52]
 * [--seed S]`
 *
 * Writes three `--questions` files that probe image questions beyond exact copies of stored images:
 * - `invented.jsonl`: `count` flags of no country (`training/kb/invented-flags.ts`), each asked one of the split's
 *   flag-question phrasings in turn, `answers: []` (the model should abstain);
 * - `real.jsonl`: every flag question of the split (`--split`: test by default, dev for anything chosen on them) with
 *   its stored flag image (an exact copy, which visual linking finds);
 * - `real-jpeg.jsonl`: the same questions with the flag as a user would send it, the 192-px render as a JPEG
 *   (quality 85): no exact copy, but its pixel key is near the stored image's, so visual linking finds it;
 * - `real-photo.jsonl`: the same questions with the flag as a snapshot of it, turned a few degrees, off centre on a
 *   coloured backdrop (JPEG): answerable, but no near-duplicate of the stored image, so visual linking finds
 *   nothing and retrieval is the fused one. It measures what abstaining on unlinked question images costs;
 * - `incidental.jsonl`: as many text-fact questions of the split, each sent with a picture it does not ask about (an
 *   image-text pre-training logo, which no knowledge item shows and no train question comes with): answerable from
 *   text alone, it measures what an incidental picture costs;
 * - `no-picture.jsonl`: every answerable image question of the split sent without its picture ("Whose flag is
 *   this?" and nothing to look at), `answers: []`: nothing retrieved can be the picture, so the model should abstain.
 *
 * Evaluate each with `npm run eval -- --questions <out>/<file> --no-ablations --json`. A model that abstains on the
 * invented flags only because no stored image matched would abstain on `real-photo.jsonl` too. Also writes
 * `flags.jsonl` (layout and measured colours of each invented flag) and `contact-sheet.png` (them as the model sees them).
 * @module
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { colourSetKey, inventFlags } from '../training/kb/invented-flags.js';
import { readJsonl, writeJsonl } from '../training/kb/jsonl-file.js';
import { attributeRecordSchema } from '../training/kb/kb-records.js';
import { questionRecordSchema, type QuestionRecord } from '../training/kb/question-record.js';
import { SeededRandom } from '../training/kb/seeded-random.js';

/** Image-question families whose image is a flag. */
const flagFamilies: ReadonlySet<string> = new Set(['flag_country', 'flag_capital']);

/** The distinct phrasings of the flag families among `questions`, in template order. */
export function flagPhrasings(questions: readonly QuestionRecord[]): { templateId: string; question: string }[] {
  const byTemplate = new Map<string, string>();
  for (const q of questions) {
    if (flagFamilies.has(q.family) && q.image !== undefined && !byTemplate.has(q.template_id))
      byTemplate.set(q.template_id, q.question);
  }
  return [...byTemplate.entries()]
    .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
    .map(([templateId, question]) => ({ templateId, question }));
}

async function main(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      kb: { type: 'string', default: 'build/kb' },
      out: { type: 'string', default: 'build/probes/invented-flags' },
      split: { type: 'string', default: 'test' },
      count: { type: 'string', default: '52' },
      seed: { type: 'string', default: 'invented-flags-1' },
    },
    strict: true,
  });
  const count = Number(values.count);
  if (!Number.isInteger(count) || count < 1 || count > 500) throw new Error('--count must be an integer in 1..500');
  const kb = resolve(values.kb);
  const out = resolve(values.out);
  mkdirSync(join(out, 'flags'), { recursive: true });

  const realColourSets = new Set(
    readJsonl(join(kb, 'attributes.jsonl'), attributeRecordSchema)
      .filter((a) => a.kind === 'flag')
      .map((a) => colourSetKey(a.colours)),
  );
  const split = values.split;
  if (split !== 'test' && split !== 'dev') throw new Error('--split must be test or dev');
  const questions = readJsonl(join(kb, 'questions', `${split}.jsonl`), questionRecordSchema);
  const phrasings = flagPhrasings(questions);
  if (phrasings.length === 0)
    throw new Error(`${kb}/questions/${split}.jsonl has no flag questions: run npm run kb:build`);

  const flags = await inventFlags(new SeededRandom(values.seed), count, realColourSets);
  const invented = flags.map((flag, i) => {
    const phrasing = phrasings[i % phrasings.length]!;
    const image = `flags/${String(i + 1).padStart(3, '0')}.png`;
    writeFileSync(join(out, image), flag.modelPng);
    return { flag, image, phrasing };
  });
  const flagQuestions = questions.filter(
    (q) => flagFamilies.has(q.family) && q.image?.startsWith('images/') === true && q.answers.length > 0,
  );
  const real = flagQuestions.map((q) => ({
    question: q.question,
    answers: q.answers,
    image: relative(out, join(kb, q.image ?? '')),
  }));
  mkdirSync(join(out, 'jpeg'), { recursive: true });
  const realJpeg = await Promise.all(
    flagQuestions.map(async (q, i) => {
      const image = `jpeg/${String(i + 1).padStart(3, '0')}.jpg`;
      await sharp(join(kb, (q.image ?? '').replace(/^images\//, 'display/')))
        .jpeg({ quality: 85 })
        .toFile(join(out, image));
      return { question: q.question, answers: q.answers, image };
    }),
  );
  mkdirSync(join(out, 'photo'), { recursive: true });
  const photoRandom = new SeededRandom(`${values.seed}:photo`);
  const realPhoto = [];
  for (const [i, q] of flagQuestions.entries()) {
    const image = `photo/${String(i + 1).padStart(3, '0')}.jpg`;
    await writeFlagSnapshot(join(kb, (q.image ?? '').replace(/^images\//, 'display/')), join(out, image), photoRandom);
    realPhoto.push({ question: q.question, answers: q.answers, image });
  }
  writeJsonl(
    join(out, 'invented.jsonl'),
    invented.map(({ image, phrasing }) => ({ question: phrasing.question, answers: [], image })),
  );
  writeJsonl(join(out, 'real.jsonl'), real);
  writeJsonl(join(out, 'real-jpeg.jsonl'), realJpeg);
  writeJsonl(join(out, 'real-photo.jsonl'), realPhoto);
  const trainPictures = new Set(
    readJsonl(join(kb, 'questions', 'train.jsonl'), questionRecordSchema).flatMap((q) =>
      q.image === undefined ? [] : [basename(q.image)],
    ),
  );
  writeJsonl(
    join(out, 'incidental.jsonl'),
    incidentalPictureQuestions(kb, out, questions, flagQuestions.length, values.seed, trainPictures),
  );
  const noPicture = pictureLeftOffQuestions(questions);
  writeJsonl(join(out, 'no-picture.jsonl'), noPicture);
  writeJsonl(
    join(out, 'flags.jsonl'),
    invented.map(({ flag, image, phrasing }) => ({
      image,
      layout: flag.layout,
      colours: flag.colours,
      template_id: phrasing.templateId,
    })),
  );
  await writeContactSheet(
    flags.map((f) => f.modelPng),
    join(out, 'contact-sheet.png'),
  );
  process.stderr.write(
    `[invented-flags] ${flags.length} invented flags over ${phrasings.length} phrasings (invented.jsonl), ${real.length} real ${split} flags as stored (real.jsonl) and as a user's JPEG (real-jpeg.jsonl) and as a snapshot (real-photo.jsonl), ${real.length} text facts with an incidental picture (incidental.jsonl), ${noPicture.length} image questions without their picture (no-picture.jsonl) → ${out}\n`,
  );
}

/**
 * `count` text-fact questions of `questions`, drawn without replacement, each with a pre-training image (a logo no
 * knowledge item shows) as an incidental picture; none of `excluded` (file names: the train split's question
 * pictures, which training may send with its own questions).
 */
export function incidentalPictureQuestions(
  kb: string,
  out: string,
  questions: readonly QuestionRecord[],
  count: number,
  seed: string,
  excluded: ReadonlySet<string> = new Set(),
): { question: string; answers: string[]; image: string }[] {
  const random = new SeededRandom(`${seed}:incidental`);
  const pictures = readdirSync(join(kb, 'pretrain-images'))
    .filter((name) => !excluded.has(name))
    .sort();
  const facts = questions.filter((q) => q.type === 'text_fact' && q.image === undefined);
  if (pictures.length === 0 || facts.length === 0) throw new Error(`${kb} has no pre-training images or text facts`);
  const pool = [...facts];
  const chosen: QuestionRecord[] = [];
  while (chosen.length < count && pool.length > 0)
    chosen.push(pool.splice(Math.floor(random.next() * pool.length), 1)[0]!);
  return chosen.map((q) => ({
    question: q.question,
    answers: q.answers,
    image: relative(out, join(kb, 'pretrain-images', random.pick(pictures))),
  }));
}

/** Every answerable question of `questions` that comes with a picture, without it: the model should abstain. */
export function pictureLeftOffQuestions(questions: readonly QuestionRecord[]): { question: string; answers: [] }[] {
  return questions
    .filter((q) => q.image !== undefined && q.answers.length > 0)
    .map((q) => ({ question: q.question, answers: [] }));
}

/** Backdrops of a snapshot: sky, wall, grass, shadow. */
const snapshotBackdrops = [
  { r: 135, g: 190, b: 235 },
  { r: 214, g: 204, b: 186 },
  { r: 96, g: 140, b: 72 },
  { r: 70, g: 70, b: 78 },
] as const;

/**
 * The flag at `source` as a snapshot of it: turned 4–12 degrees either way, scaled to 55–75 % of a 256-px frame and
 * placed off centre on one of `snapshotBackdrops`, saved as a JPEG (quality 80).
 */
export async function writeFlagSnapshot(source: string, path: string, random: SeededRandom): Promise<void> {
  const frame = 256;
  const backdrop = random.pick(snapshotBackdrops);
  const angle = (4 + random.next() * 8) * (random.next() < 0.5 ? -1 : 1);
  const width = Math.round(frame * (0.55 + random.next() * 0.2));
  const turned = await sharp(source)
    .resize({ width, height: width, fit: 'inside' })
    .rotate(angle, { background: backdrop })
    .toBuffer({ resolveWithObject: true });
  const fitted = await sharp(turned.data)
    .resize({ width: frame - 8, height: frame - 8, fit: 'inside', withoutEnlargement: true })
    .toBuffer({ resolveWithObject: true });
  const left = Math.floor(random.next() * (frame - fitted.info.width));
  const top = Math.floor(random.next() * (frame - fitted.info.height));
  await sharp({ create: { width: frame, height: frame, channels: 3, background: backdrop } })
    .composite([{ input: fitted.data, left, top }])
    .jpeg({ quality: 80 })
    .toFile(path);
}

/** Every image (the 64-px model renders) in a grid of 13 columns, 2 px apart, on white. */
async function writeContactSheet(pngs: readonly Buffer[], path: string): Promise<void> {
  const columns = 13;
  const cell = 66;
  const rows = Math.ceil(pngs.length / columns);
  await sharp({
    create: { width: columns * cell, height: rows * cell, channels: 3, background: { r: 255, g: 255, b: 255 } },
  })
    .composite(
      pngs.map((input, i) => ({ input, left: (i % columns) * cell + 1, top: Math.floor(i / columns) * cell + 1 })),
    )
    .png()
    .toFile(path);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
