/**
 * Writes a tiny knowledge base with benchmark questions to a folder, in the formats `npm run kb:build` writes
 * (`knowledge.jsonl`, `images/`, `questions/test.jsonl`), for end-to-end runs of the evaluation on the tiny bundle.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { KnowledgeRecord, QuestionRecord } from '../../../training/kb/index.js';

const hex = (text: string, length: number) => createHash('sha256').update(text).digest('hex').slice(0, length);

const COUNTRIES = [
  { code: 'PER', name: 'Peru', capital: 'Lima', rgb: { r: 200, g: 20, b: 20 } },
  { code: 'CHL', name: 'Chile', capital: 'Santiago', rgb: { r: 20, g: 20, b: 200 } },
  { code: 'JPN', name: 'Japan', capital: 'Tokyo', rgb: { r: 250, g: 250, b: 250 } },
] as const;

type Question = Pick<QuestionRecord, 'type' | 'question' | 'answers' | 'match' | 'gold'> &
  Partial<Pick<QuestionRecord, 'options' | 'image' | 'held_out' | 'template_id'>>;

function questionRecord(q: Question, entity: string): QuestionRecord {
  return {
    qid: `q${hex(q.question, 12)}`,
    family: 'tiny',
    template_id: 'tiny.1',
    held_out: false,
    negatives: [],
    split: 'test',
    entity,
    entities: [entity],
    source: 'countries',
    ...q,
  };
}

/** Writes the knowledge base into `dir`; returns how many questions it holds. */
export async function writeTinyKnowledgeBase(dir: string): Promise<{ readonly questions: number }> {
  mkdirSync(join(dir, 'images'), { recursive: true });
  mkdirSync(join(dir, 'questions'), { recursive: true });
  const knowledge: KnowledgeRecord[] = [];
  const questions: QuestionRecord[] = [];
  for (const c of COUNTRIES) {
    const entity = `country/${c.code}`;
    const png = await sharp({ create: { width: 16, height: 16, channels: 3, background: c.rgb } })
      .png()
      .toBuffer();
    const flag = hex(`flag ${c.code}`, 16);
    const fact = hex(`capital ${c.code}`, 16);
    writeFileSync(join(dir, 'images', `${flag}.png`), png);
    knowledge.push(
      {
        id: flag,
        entity,
        entity_name: c.name,
        source: 'countries',
        modality: 'image',
        kind: 'flag',
        image: `images/${flag}.png`,
        caption: `Flag of ${c.name}`,
      },
      {
        id: fact,
        entity,
        entity_name: c.name,
        source: 'countries',
        modality: 'text',
        kind: 'fact',
        facet: 'capital',
        title: c.name,
        text: `The capital of ${c.name} is ${c.capital}.`,
      },
    );
    questions.push(
      questionRecord(
        {
          type: 'text_fact',
          question: `What is the capital of ${c.name}?`,
          answers: [c.capital],
          match: 'contains_any',
          gold: [fact],
        },
        entity,
      ),
      questionRecord(
        {
          type: 'image_question',
          question: 'Which country uses this flag?',
          answers: [c.name],
          match: 'contains_any',
          gold: [flag],
          image: `images/${flag}.png`,
        },
        entity,
      ),
      questionRecord(
        {
          type: 'yes_no',
          question: `Is ${c.capital} the capital of ${c.name}?`,
          held_out: true,
          template_id: 'capital_check.6',
          answers: ['yes'],
          match: 'yes_no',
          gold: [fact],
        },
        entity,
      ),
    );
  }
  questions.push(
    questionRecord(
      {
        type: 'comparison',
        question: 'Which is larger, Peru or Chile?',
        answers: ['Peru'],
        match: 'choice',
        options: ['Peru', 'Chile'],
        gold: [knowledge[1]!.id, knowledge[3]!.id],
      },
      'country/PER',
    ),
    questionRecord(
      { type: 'unanswerable', question: 'What is the capital of Atlantis?', answers: [], match: 'abstain', gold: [] },
      'fictional/atlantis',
    ),
    questionRecord(
      { type: 'unanswerable', question: 'Which currency does Narnia use?', answers: [], match: 'abstain', gold: [] },
      'fictional/narnia',
    ),
  );
  writeFileSync(join(dir, 'knowledge.jsonl'), knowledge.map((k) => JSON.stringify(k)).join('\n') + '\n');
  writeFileSync(join(dir, 'questions', 'test.jsonl'), questions.map((q) => JSON.stringify(q)).join('\n') + '\n');
  return { questions: questions.length };
}
