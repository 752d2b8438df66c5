/**
 * The benchmark's accuracy rule (WebQA-style keyword accuracy), one function per `match` rule of a question. The
 * evaluation scores generated answers with {@link scoreAnswer}, so the rule lives beside the data that defines it.
 * @module
 */
import { colourNames } from './colour-names.js';
import type { QuestionRecord } from './question-record.js';

/** What the model produced for one question. */
export interface Prediction {
  readonly answer: string;
  readonly abstained: boolean;
}

/** The verdict: `isCorrect` is the accuracy rule, `isExactMatch` the normalised string equality. */
export interface AnswerScore {
  readonly isCorrect: boolean;
  readonly isExactMatch: boolean;
}

/**
 * Normalises text for matching: Unicode compatibility form without accents, lowercase, "&" as "and", "gray" as
 * "grey", every run of other characters as one space.
 */
export function normaliseAnswer(text: string): string {
  return ` ${text} `
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .replace(/ gray /g, ' grey ')
    .trim();
}

function containsPhrase(haystack: string, phrase: string): boolean {
  return phrase !== '' && ` ${haystack} `.includes(` ${phrase} `);
}

function findColours(normalised: string): Set<string> {
  return new Set(normalised.split(' ').filter((word) => (colourNames as readonly string[]).includes(word)));
}

type Scored = Pick<QuestionRecord, 'answers' | 'match' | 'keywords' | 'options'>;

function scoreColourSet(question: Scored, pred: string): AnswerScore {
  const gold = new Set((question.keywords ?? []).map(normaliseAnswer));
  const said = findColours(pred);
  const isCorrect = said.size === gold.size && [...gold].every((c) => said.has(c));
  const leftover = pred.split(' ').filter((w) => w !== 'and' && !said.has(w));
  return { isCorrect, isExactMatch: isCorrect && leftover.length === 0 };
}

function scoreChoice(question: Scored, pred: string): AnswerScore {
  const answer = normaliseAnswer(question.answers[0] ?? '');
  // An option inside the answer ("Guinea" in "Guinea-Bissau") is not a second choice.
  const others = (question.options ?? [])
    .map(normaliseAnswer)
    .filter((o) => o !== answer && !containsPhrase(answer, o));
  const isCorrect = containsPhrase(pred, answer) && !others.some((o) => containsPhrase(pred, o));
  return { isCorrect, isExactMatch: pred === answer };
}

/** Scores one prediction against one question (see docs/data.md, "Accuracy rule"). */
export function scoreAnswer(question: Scored, prediction: Prediction): AnswerScore {
  if (question.match === 'abstain') return { isCorrect: prediction.abstained, isExactMatch: prediction.abstained };
  if (prediction.abstained) return { isCorrect: false, isExactMatch: false };
  const pred = normaliseAnswer(prediction.answer);
  const answers = question.answers.map(normaliseAnswer);
  switch (question.match) {
    case 'contains_any':
      return { isCorrect: answers.some((a) => containsPhrase(pred, a)), isExactMatch: answers.includes(pred) };
    case 'colour_set':
      return scoreColourSet(question, pred);
    case 'yes_no': {
      const said = pred.split(' ').find((w) => w === 'yes' || w === 'no');
      return { isCorrect: said !== undefined && said === answers[0], isExactMatch: pred === answers[0] };
    }
    case 'choice':
      return scoreChoice(question, pred);
  }
}
