import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  flagPhrasings,
  incidentalPictureQuestions,
  pictureLeftOffQuestions,
  writeFlagSnapshot,
} from '../../../bench/invented-flags.js';
import { computeVisualKeys } from '../../../src/core/model/visual-keys.js';
import { DEFAULT_VISUAL_LINK_THRESHOLD } from '../../../src/core/pipeline/link-question-images.js';
import { colourSetKey, drawFlag, flagLayouts, inventFlags } from '../../../training/kb/invented-flags.js';
import type { QuestionRecord } from '../../../training/kb/question-record.js';
import { SeededRandom } from '../../../training/kb/seeded-random.js';

describe('invented flags', () => {
  it('draws every layout with distinct colours, the same way for the same seed', () => {
    const rng = new SeededRandom('draw');
    const drafts = Array.from({ length: 200 }, () => drawFlag(rng, ['red', 'green', 'blue', 'white', 'purple']));
    expect(new Set(drafts.map((d) => d.layout))).toEqual(new Set(flagLayouts));
    for (const d of drafts) expect(new Set(d.painted).size).toBe(d.painted.length);
    const again = drawFlag(new SeededRandom('draw'), ['red', 'green', 'blue', 'white', 'purple']);
    expect(again).toEqual(drafts[0]);
  });

  it('keeps only flags whose measured colours are what was painted and no real flag’s colour set', async () => {
    const real = new Set(['red+white', 'blue+white', 'green+red+white', 'blue+red+white']);
    const flags = await inventFlags(new SeededRandom('probe'), 6, real);
    expect(flags).toHaveLength(6);
    for (const flag of flags) {
      expect(real.has(colourSetKey(flag.colours))).toBe(false);
      expect(colourSetKey(flag.colours)).toBe(colourSetKey(flag.painted));
      const meta = await sharp(flag.modelPng).metadata();
      expect([meta.width, meta.height]).toEqual([64, 64]);
    }
  });

  it('says so when too few flags can be invented', async () => {
    await expect(inventFlags(new SeededRandom('probe'), 5, new Set(), 2)).rejects.toThrow(/invented .* of 5 flags/);
  });

  it('reads each flag phrasing of a split once, in template order', () => {
    const q = (family: string, templateId: string, question: string, image?: string) =>
      ({ family, template_id: templateId, question, ...(image && { image }) }) as QuestionRecord;
    const phrasings = flagPhrasings([
      q('flag_country', 'flag_country.10', 'Whose flag?', 'images/a.png'),
      q('flag_country', 'flag_country.2', 'Which country flies this?', 'images/b.png'),
      q('flag_country', 'flag_country.2', 'Which country flies this?', 'images/c.png'),
      q('capital', 'capital.1', 'What is the capital of Peru?'),
      q('emoji_name', 'emoji_name.1', 'Which emoji is this?', 'images/d.png'),
    ]);
    expect(phrasings).toEqual([
      { templateId: 'flag_country.2', question: 'Which country flies this?' },
      { templateId: 'flag_country.10', question: 'Whose flag?' },
    ]);
  });
});

describe('the probes beyond exact copies', () => {
  it('makes a snapshot of a flag that visual linking does not take for the flag, as a 256-px JPEG', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'snapshot-'));
    try {
      const [flag] = await inventFlags(new SeededRandom('snapshot'), 1, new Set());
      const source = join(dir, 'flag.png');
      await sharp(flag!.modelPng).resize(192, 192).png().toFile(source);
      const snapshot = join(dir, 'snapshot.jpg');
      await writeFlagSnapshot(source, snapshot, new SeededRandom('turn'));
      const meta = await sharp(snapshot).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 256, 256]);
      const [stored, taken] = await computeVisualKeys([await readFile(source), await readFile(snapshot)], 384);
      const similarity = stored!.reduce((sum, value, i) => sum + value * taken![i]!, 0);
      expect(similarity).toBeLessThan(DEFAULT_VISUAL_LINK_THRESHOLD);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('sends distinct text facts with a pre-training picture each', async () => {
    const kb = await mkdtemp(join(tmpdir(), 'incidental-'));
    try {
      await mkdir(join(kb, 'pretrain-images'));
      for (const name of ['a.png', 'b.png']) await writeFile(join(kb, 'pretrain-images', name), '');
      const fact = (qid: string, question: string) =>
        ({ qid, type: 'text_fact', question, answers: [qid] }) as unknown as QuestionRecord;
      const questions = [fact('q1', 'Capital of Peru?'), fact('q2', 'Currency of Peru?'), fact('q3', 'Area of Peru?')];
      const out = join(kb, 'probes');
      const picked = incidentalPictureQuestions(kb, out, questions, 2, 'seed');
      expect(picked).toHaveLength(2);
      expect(new Set(picked.map((q) => q.question)).size).toBe(2);
      for (const q of picked) expect(q.image).toMatch(/^\.\.\/pretrain-images\/[ab]\.png$/);
      expect(incidentalPictureQuestions(kb, out, questions, 5, 'seed')).toHaveLength(3);
      // A picture a train question comes with is never the incidental one.
      const others = incidentalPictureQuestions(kb, out, questions, 3, 'seed', new Set(['a.png']));
      for (const q of others) expect(q.image).toBe('../pretrain-images/b.png');
    } finally {
      await rm(kb, { recursive: true, force: true });
    }
  });

  it('sends every answerable image question without its picture, to be abstained on', () => {
    const record = (qid: string, image: string | undefined, answers: string[]) =>
      ({
        qid,
        type: 'image_question',
        question: `${qid}: whose flag is this?`,
        answers,
        image,
      }) as unknown as QuestionRecord;
    const questions = [
      record('flag', 'images/peru.png', ['Peru']),
      record('logo', 'pretrain-images/x.png', []),
      record('text', undefined, ['Lima']),
    ];
    expect(pictureLeftOffQuestions(questions)).toEqual([{ question: 'flag: whose flag is this?', answers: [] }]);
  });
});
