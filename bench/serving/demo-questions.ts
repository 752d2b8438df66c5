/**
 * Real questions about the demo knowledge base: "What is the capital / currency of X?" for every country whose fact
 * sentence is in `knowledge.jsonl`, each with the answer that sentence gives.
 * @module
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';

/** A question the demo knowledge base answers, and the answer it holds. */
export interface DemoQuestion {
  readonly question: string;
  readonly expected: string;
}

const LineSchema = z.object({ text: z.string().optional() });
const FACT = /^The (capital|currency) of (.+?) is (.+)\.$/;

/** Lowercase words only, so that "Buenos Aires." and "buenos aires" compare equal. */
function normalize(text: string): string {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).join(' ');
}

/** The expected answer of a fact: the capital, or the currency without "the" and its ISO code. */
function expectedAnswer(kind: string, value: string): string {
  return kind === 'currency' ? value.replace(/^the /i, '').replace(/\s*\([A-Z]{3}\)$/, '') : value;
}

/**
 * The capital and currency questions of `knowledgeFile`, capitals and currencies interleaved so that any prefix mixes
 * both.
 */
export async function loadDemoQuestions(knowledgeFile: string): Promise<DemoQuestion[]> {
  const byKind = new Map<string, DemoQuestion[]>([
    ['capital', []],
    ['currency', []],
  ]);
  for (const line of (await readFile(knowledgeFile, 'utf8')).split('\n')) {
    if (line.trim() === '') continue;
    const match = FACT.exec(LineSchema.parse(JSON.parse(line)).text ?? '');
    if (match === null) continue;
    const kind = match[1]!;
    const question = `What is the ${kind} of ${match[2]!}?`;
    byKind.get(kind)!.push({ question, expected: expectedAnswer(kind, match[3]!) });
  }
  const capitals = byKind.get('capital')!;
  const currencies = byKind.get('currency')!;
  const questions: DemoQuestion[] = [];
  for (let i = 0; i < Math.max(capitals.length, currencies.length); i++) {
    if (capitals[i] !== undefined) questions.push(capitals[i]!);
    if (currencies[i] !== undefined) questions.push(currencies[i]!);
  }
  if (questions.length === 0) throw new Error(`${knowledgeFile} holds no capital or currency facts`);
  return questions;
}

/** Whether an answer names the expected one: its words contain the expected words, in order. */
export function isExpectedAnswer(answer: string, expected: string): boolean {
  return ` ${normalize(answer)} `.includes(` ${normalize(expected)} `);
}
