import { describe, expect, it } from 'vitest';
import { normaliseAnswer, scoreAnswer } from '../../../training/kb/answer-accuracy.js';
import type { QuestionRecord } from '../../../training/kb/question-record.js';

type Scored = Pick<QuestionRecord, 'answers' | 'match' | 'keywords' | 'options'>;
const say = (answer: string) => ({ answer, abstained: false });
const correct = (q: Scored, answer: string): boolean => scoreAnswer(q, say(answer)).isCorrect;

describe('answer accuracy rule', () => {
  it('accepts any listed answer inside a longer reply, as whole words', () => {
    const q: Scored = { answers: ['Lima'], match: 'contains_any' };
    expect(correct(q, 'The capital is Lima.')).toBe(true);
    expect(correct(q, 'Limassol')).toBe(false);
    expect(scoreAnswer(q, say('lima')).isExactMatch).toBe(true);
  });

  it('ignores accents, case, "&" versus "and", and punctuation', () => {
    expect(normaliseAnswer("Nuku'alofa")).toBe('nuku alofa');
    expect(correct({ answers: ['travel & places'], match: 'contains_any' }, 'Travel and places')).toBe(true);
    expect(correct({ answers: ['Bogotá'], match: 'contains_any' }, 'bogota')).toBe(true);
  });

  it('needs every gold colour and no other colour', () => {
    const q: Scored = { answers: ['red and white'], match: 'colour_set', keywords: ['red', 'white'] };
    expect(correct(q, 'white and red')).toBe(true);
    expect(correct(q, 'red')).toBe(false);
    expect(correct(q, 'red, white and blue')).toBe(false);
    expect(scoreAnswer(q, say('red and white')).isExactMatch).toBe(true);
    expect(correct({ answers: ['grey'], match: 'colour_set', keywords: ['grey'] }, 'gray')).toBe(true);
  });

  it('reads the first yes or no', () => {
    const q: Scored = { answers: ['no'], match: 'yes_no' };
    expect(correct(q, 'No, it is not.')).toBe(true);
    expect(correct(q, 'yes')).toBe(false);
    expect(correct(q, 'maybe')).toBe(false);
  });

  it('rejects a comparison answer that names both options', () => {
    const q: Scored = { answers: ['Peru'], match: 'choice', options: ['Chile', 'Peru'] };
    expect(correct(q, 'Peru')).toBe(true);
    expect(correct(q, 'Peru or Chile')).toBe(false);
    const nested: Scored = { answers: ['Guinea-Bissau'], match: 'choice', options: ['Guinea', 'Guinea-Bissau'] };
    expect(correct(nested, 'Guinea-Bissau')).toBe(true);
    expect(correct({ ...nested, answers: ['Guinea'] }, 'Guinea-Bissau')).toBe(false);
  });

  it('counts abstaining as right only where nothing answers the question', () => {
    const unanswerable: Scored = { answers: [], match: 'abstain' };
    expect(scoreAnswer(unanswerable, { answer: '', abstained: true }).isCorrect).toBe(true);
    expect(scoreAnswer(unanswerable, say('Valdoria City')).isCorrect).toBe(false);
    expect(
      scoreAnswer({ answers: ['Lima'], match: 'contains_any' }, { answer: 'Lima', abstained: true }).isCorrect,
    ).toBe(false);
  });
});
