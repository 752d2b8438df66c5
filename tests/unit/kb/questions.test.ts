import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildKnowledgeBase } from '../../../training/kb/build-kb.js';
import { buildQuestions, type QuestionStats } from '../../../training/kb/build-questions.js';
import { readJsonl } from '../../../training/kb/jsonl-file.js';
import { knowledgeRecordSchema } from '../../../training/kb/kb-records.js';
import { parseKbOptions } from '../../../training/kb/kb-options.js';
import { questionRecordSchema, type QuestionRecord, type Split } from '../../../training/kb/question-record.js';
import { templateFamilies } from '../../../training/kb/question-templates.js';

const countries = ['ARG', 'AUT', 'BOL', 'BRA', 'CHE', 'CHL', 'COL', 'CZE', 'DEU', 'ECU', 'ESP', 'FRA', 'HUN', 'ITA', 'JPN', 'NOR', 'PER', 'POL', 'PRT', 'PRY', 'SJM', 'SVK', 'URY', 'VEN']; // prettier-ignore
const icons = 'dotenv,aircall,apachedruid,astra,beekeeperstudio,boxysvg,celery,cnet,coppel,datto,dogecoin,elixir,fathom,fortran,gitconnected,googlekeep,handshake,html5,instacart,juejin,kofax,libretube,macpaw,mercurial,moscowmetro,nextcloud,odido,osf,phabricator,polkadot,pusher,raylib,riscv,sass,signal,spacex,streamlit,tasmota,tildapublishing,turborepo'.split(','); // prettier-ignore
const emoji = ['1F34E', '1F34A', '1F34C', '1F349', '1F680', '1F681', '1F682', '1F683', '1F600', '1F601', '1F602', '1F603', '1F436', '1F431', '1F42D', '1F439', '2764', '1F499', '1F49A', '1F49B']; // prettier-ignore

describe('benchmark question builder', () => {
  let root: string;
  let stats: QuestionStats;
  const bySplit: Record<Split, QuestionRecord[]> = { train: [], dev: [], test: [] };

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'kb-questions-'));
    const select = [
      ...countries.map((c) => `country/${c}`),
      ...emoji.map((e) => `emoji/${e}`),
      ...icons.map((i) => `icon/${i}`),
    ].join(',');
    const options = parseKbOptions(['--out', root, '--select', select]);
    await buildKnowledgeBase(options);
    stats = await buildQuestions({ kbDir: root, seed: options.seed });
    for (const split of ['train', 'dev', 'test'] as const) {
      bySplit[split] = readJsonl(join(root, 'questions', `${split}.jsonl`), questionRecordSchema);
    }
  });

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const all = (): QuestionRecord[] => [...bySplit.train, ...bySplit.dev, ...bySplit.test];

  it('asks every question type in every split', () => {
    const types = ['text_fact', 'image_attribute', 'image_question', 'comparison', 'yes_no', 'unanswerable'];
    expect(Object.keys(stats.by_type.train).sort()).toEqual([...types].sort());
    for (const split of ['dev', 'test'] as const) expect(bySplit[split].length).toBeGreaterThan(0);
  });

  it('never lets two splits share an entity', () => {
    const entitiesOf = (split: Split): Set<string> => new Set(bySplit[split].flatMap((q) => q.entities));
    const [train, dev, test] = [entitiesOf('train'), entitiesOf('dev'), entitiesOf('test')];
    for (const key of dev) expect(train.has(key) || test.has(key), key).toBe(false);
    for (const key of test) expect(train.has(key), key).toBe(false);
    expect(test.size).toBeGreaterThan(0);
  });

  it('keeps held-out phrasings out of train and uses them in dev and test', () => {
    const heldOut = new Set(
      [...templateFamilies.values()].flatMap((f) => f.templates.filter((t) => t.isHeldOut).map((t) => t.id)),
    );
    expect(bySplit.train.some((q) => q.held_out || heldOut.has(q.template_id))).toBe(false);
    const evalQuestions = [...bySplit.dev, ...bySplit.test];
    expect(evalQuestions.filter((q) => q.held_out).every((q) => heldOut.has(q.template_id))).toBe(true);
    expect(evalQuestions.some((q) => q.held_out)).toBe(true);
  });

  it('has at least five phrasings per type, some held out in every family', () => {
    for (const family of templateFamilies.values()) {
      expect(family.templates.filter((t) => !t.isHeldOut).length, family.family).toBeGreaterThanOrEqual(5);
      expect(
        family.templates.some((t) => t.isHeldOut),
        family.family,
      ).toBe(true);
    }
  });

  it('points gold and negatives at real knowledge items, never both at once', () => {
    const ids = new Set(readJsonl(join(root, 'knowledge.jsonl'), knowledgeRecordSchema).map((k) => k.id));
    for (const q of all()) {
      for (const id of [...q.gold, ...q.negatives]) expect(ids.has(id), `${q.qid} ${id}`).toBe(true);
      expect(q.gold.filter((id) => q.negatives.includes(id))).toEqual([]);
      expect(q.negatives.length, q.qid).toBeGreaterThan(0);
    }
  });

  it('gives answerable questions gold and answers, unanswerable ones neither', () => {
    for (const q of all()) {
      const isUnanswerable = q.type === 'unanswerable';
      expect(q.answers.length === 0, q.qid).toBe(isUnanswerable);
      expect(q.gold.length === 0, q.qid).toBe(isUnanswerable);
      expect(q.match === 'abstain', q.qid).toBe(isUnanswerable);
    }
  });

  it('answers flag colour questions from the measured attributes', () => {
    const japan = all().find((q) => q.family === 'flag_colours' && q.entity === 'country/JPN');
    expect(japan?.keywords?.slice().sort()).toEqual(['red', 'white']);
    expect(japan?.match).toBe('colour_set');
  });

  it('never shows an image that has a look-alike (Norway and Svalbard share a flag)', () => {
    const shown = all()
      .filter((q) => q.family === 'flag_country')
      .map((q) => q.entity);
    expect(shown).not.toContain('country/NOR');
    expect(shown).not.toContain('country/SJM');
    expect(shown.length).toBeGreaterThan(0);
  });

  it('asks image questions about images of nothing in the knowledge base, to be abstained on', () => {
    const knowledgeImages = new Set(
      readJsonl(join(root, 'knowledge.jsonl'), knowledgeRecordSchema).map((k) => k.image),
    );
    const unknown = all().filter((q) => q.type === 'unanswerable' && q.image !== undefined);
    expect(unknown.length).toBeGreaterThan(0);
    for (const q of unknown) {
      expect(q.image).toMatch(/^pretrain-images\/[0-9a-f]{16}\.png$/);
      expect(knowledgeImages.has(q.image), q.qid).toBe(false);
      expect(templateFamilies.get(q.family)?.type, q.qid).toBe('image_question');
    }
  });

  it('ships the image of image questions and names both entities of a comparison', () => {
    for (const q of all().filter((r) => r.type === 'image_question'))
      expect(q.image).toMatch(/^images\/[0-9a-f]{16}\.png$/);
    for (const q of all().filter((r) => r.type === 'comparison')) expect(q.entities).toHaveLength(2);
  });

  it('writes identical questions when built again', async () => {
    const before = readFileSync(join(root, 'questions', 'test.jsonl'), 'utf8');
    await buildQuestions({ kbDir: root, seed: stats.seed });
    expect(readFileSync(join(root, 'questions', 'test.jsonl'), 'utf8')).toBe(before);
  });
});
