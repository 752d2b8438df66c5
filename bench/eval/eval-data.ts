/**
 * Reads what the evaluation runs on: the built knowledge base (`<kb>/knowledge.jsonl`), a benchmark split
 * (`<kb>/questions/<split>.jsonl`) or a `--questions` JSONL file of `{question, answers[], image?}`.
 * @module
 */
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import {
  knowledgeRecordSchema,
  questionRecordSchema,
  readJsonl,
  type KnowledgeRecord,
  type Split,
} from '../../training/kb/index.js';
import type { EvalQuestion } from './eval-question.js';

/** The knowledge base: its folder (image paths are relative to it) and its items in file order. */
export interface KnowledgeBase {
  readonly dir: string;
  readonly items: readonly KnowledgeRecord[];
}

/** One line of a `--questions` file. An empty `answers` list marks a question the model should abstain on. */
export const customQuestionSchema = z.object({
  question: z.string().min(1),
  answers: z.array(z.string().min(1)),
  /** Path of an image that comes with the question, relative to the questions file. */
  image: z.string().min(1).optional(),
});

function requireFile(path: string, hint: string): string {
  if (!existsSync(path)) throw new Error(`${path} is missing (${hint})`);
  return path;
}

/** Reads and validates `<kbDir>/knowledge.jsonl`. */
export function loadKnowledgeBase(kbDir: string): KnowledgeBase {
  const dir = resolve(kbDir);
  const path = requireFile(join(dir, 'knowledge.jsonl'), 'build it with `npm run kb:build`');
  return { dir, items: readJsonl(path, knowledgeRecordSchema) };
}

/** The benchmark questions of one split, as evaluation questions (image paths made absolute). */
export function loadSplitQuestions(kbDir: string, split: Split): EvalQuestion[] {
  const dir = resolve(kbDir);
  const path = requireFile(join(dir, 'questions', `${split}.jsonl`), 'build it with `npm run kb:build`');
  return readJsonl(path, questionRecordSchema).map((q) => ({
    qid: q.qid,
    type: q.type,
    question: q.question,
    key: { answers: q.answers, match: q.match, keywords: q.keywords, options: q.options },
    ...(q.image !== undefined && { imagePath: join(dir, q.image) }),
    gold: q.gold,
    isUnanswerable: q.match === 'abstain',
    phrasing: q.held_out ? 'held_out' : 'seen',
    templateId: q.template_id,
  }));
}

/**
 * A `--questions` file as evaluation questions: `contains_any` against `answers`, or `abstain` when `answers` is
 * empty. No gold, so retrieval and relevance metrics are absent for them.
 */
export function loadQuestionFile(path: string): EvalQuestion[] {
  const file = resolve(requireFile(path, 'pass a JSONL file of {question, answers[], image?}'));
  return readJsonl(file, customQuestionSchema).map((q, index) => {
    const isUnanswerable = q.answers.length === 0;
    const imagePath = q.image === undefined ? undefined : isAbsolute(q.image) ? q.image : join(dirname(file), q.image);
    if (imagePath !== undefined) requireFile(imagePath, `image of line ${index + 1} of ${file}`);
    return {
      qid: `line-${index + 1}`,
      type: isUnanswerable ? 'unanswerable' : 'custom',
      question: q.question,
      key: { answers: q.answers, match: isUnanswerable ? 'abstain' : 'contains_any' },
      ...(imagePath !== undefined && { imagePath }),
      isUnanswerable,
    };
  });
}
