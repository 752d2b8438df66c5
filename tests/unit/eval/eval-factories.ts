/**
 * Factories for hand-made evaluation inputs: questions with an answer key, and the outcomes a model might produce.
 */
import type { AnswerKey, EvalQuestion } from '../../../bench/eval/eval-question.js';
import type { QuestionOutcome } from '../../../bench/eval/question-outcome.js';

let next = 0;

/** A question; defaults to an answerable `contains_any` text fact with one gold item. */
export function evalQuestion(overrides: Partial<EvalQuestion> & { key?: AnswerKey } = {}): EvalQuestion {
  next += 1;
  const key = overrides.key ?? { answers: ['Lima'], match: 'contains_any' };
  return {
    qid: `q${String(next).padStart(12, '0')}`,
    type: 'text_fact',
    question: 'What is the capital of Peru?',
    gold: key.match === 'abstain' ? [] : ['gold-1'],
    isUnanswerable: key.match === 'abstain',
    ...overrides,
    key,
  };
}

/** What the model did; defaults to answering `answer` from the references `['gold-1', 'other-1']`, naming none. */
export function outcome(
  question: EvalQuestion,
  overrides: Partial<Omit<QuestionOutcome, 'question'>> = {},
): QuestionOutcome {
  const answer = overrides.answer ?? '';
  return {
    question,
    references: ['gold-1', 'other-1'],
    answer,
    abstained: answer === '',
    relevant: [],
    text: '',
    ...overrides,
  };
}
