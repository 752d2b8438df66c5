import { describe, expect, it } from 'vitest';
import { loadQuestionFile } from '../../../bench/eval/eval-data.js';

describe('the hand-written free-form questions', () => {
  const questions = loadQuestionFile('bench/questions/free-form.jsonl');

  it('load as a --questions file: 40 to answer, 6 to abstain on', () => {
    expect(questions).toHaveLength(46);
    expect(questions.filter((q) => q.isUnanswerable)).toHaveLength(6);
    for (const q of questions.filter((x) => !x.isUnanswerable))
      expect(q.key.answers.length, q.question).toBeGreaterThan(0);
  });

  it('ask each thing once', () => {
    const texts = questions.map((q) => q.question.toLowerCase());
    expect(new Set(texts).size).toBe(texts.length);
  });
});
