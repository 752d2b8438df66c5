import { describe, expect, it } from 'vitest';
import { scoreOutcome, summariseAccuracy } from '../../../bench/eval/answer-metrics.js';
import { evalQuestion, outcome } from './eval-factories.js';
import type { AnswerKey } from '../../../bench/eval/eval-question.js';

const isCorrect = (key: AnswerKey, answer: string, abstained = answer === '') =>
  scoreOutcome(outcome(evalQuestion({ key }), { answer, abstained })).isCorrect;

describe('keyword accuracy per match rule', () => {
  it('contains_any: an acceptable answer inside a longer reply counts, a partial word does not', () => {
    const key: AnswerKey = { answers: ['Lima'], match: 'contains_any' };
    expect(isCorrect(key, 'the capital is lima')).toBe(true);
    expect(isCorrect(key, 'limassol')).toBe(false);
  });

  it('colour_set: every gold colour and no other', () => {
    const key: AnswerKey = { answers: ['red and white'], match: 'colour_set', keywords: ['red', 'white'] };
    expect(isCorrect(key, 'white and red')).toBe(true);
    expect(isCorrect(key, 'red, white and blue')).toBe(false);
    expect(isCorrect(key, 'red')).toBe(false);
  });

  it('yes_no: the first yes or no decides', () => {
    const key: AnswerKey = { answers: ['no'], match: 'yes_no' };
    expect(isCorrect(key, 'no, it is not')).toBe(true);
    expect(isCorrect(key, 'yes')).toBe(false);
  });

  it('choice: the right option, and not the other one', () => {
    const key: AnswerKey = { answers: ['Peru'], match: 'choice', options: ['Chile', 'Peru'] };
    expect(isCorrect(key, 'peru')).toBe(true);
    expect(isCorrect(key, 'chile or peru')).toBe(false);
  });

  it('abstain: an unanswerable question is right only when the model abstains', () => {
    const key: AnswerKey = { answers: [], match: 'abstain' };
    expect(isCorrect(key, '', true)).toBe(true);
    expect(isCorrect(key, 'lima', false)).toBe(false);
  });

  it('an answerable question is wrong when the model abstains, and a failed call is never right', () => {
    const q = evalQuestion();
    expect(scoreOutcome(outcome(q, { answer: '', abstained: true })).isCorrect).toBe(false);
    expect(scoreOutcome(outcome(q, { answer: 'Lima', abstained: false, error: 'boom' })).isCorrect).toBe(false);
  });
});

describe('accuracy summary', () => {
  it('gives accuracy and exact match overall and per type, types in schema order', () => {
    const fact = evalQuestion({ type: 'text_fact' });
    const yesNo = evalQuestion({ type: 'yes_no', key: { answers: ['yes'], match: 'yes_no' } });
    const none = evalQuestion({ type: 'unanswerable', key: { answers: [], match: 'abstain' } });
    const report = summariseAccuracy([
      outcome(none, { answer: '', abstained: true }),
      outcome(yesNo, { answer: 'yes it is' }),
      outcome(fact, { answer: 'Lima' }),
      outcome(fact, { answer: 'Cusco' }),
    ]);
    expect(report.overall).toEqual({ questions: 4, accuracy: 0.75, exact_match: 0.5 });
    expect(Object.keys(report.by_type)).toEqual(['text_fact', 'yes_no', 'unanswerable']);
    expect(report.by_type.text_fact).toEqual({ questions: 2, accuracy: 0.5, exact_match: 0.5 });
    expect(report.by_type.yes_no).toEqual({ questions: 1, accuracy: 1, exact_match: 0 });
  });

  it('splits accuracy by seen and held-out phrasings, leaving out a group without questions', () => {
    const seen = evalQuestion({ phrasing: 'seen' });
    const heldOut = evalQuestion({ phrasing: 'held_out' });
    const yesNo = evalQuestion({ type: 'yes_no', phrasing: 'seen', key: { answers: ['yes'], match: 'yes_no' } });
    const report = summariseAccuracy([
      outcome(seen, { answer: 'Lima' }),
      outcome(heldOut, { answer: 'Cusco' }),
      outcome(heldOut, { answer: 'Lima' }),
      outcome(yesNo, { answer: 'yes' }),
    ]);
    expect(report.by_phrasing).toEqual({
      seen: { questions: 2, accuracy: 1, exact_match: 1 },
      held_out: { questions: 2, accuracy: 0.5, exact_match: 0.5 },
    });
    expect(report.by_type_and_phrasing.text_fact?.held_out).toEqual({ questions: 2, accuracy: 0.5, exact_match: 0.5 });
    expect(Object.keys(report.by_type_and_phrasing.yes_no!)).toEqual(['seen']);
    expect(summariseAccuracy([outcome(evalQuestion(), { answer: 'Lima' })]).by_phrasing).toEqual({});
  });

  it('lists each held-out phrasing, worst first, with one of its questions', () => {
    const q = (templateId: string, question: string, phrasing: 'seen' | 'held_out' = 'held_out') =>
      evalQuestion({ templateId, question, phrasing });
    const outcomes = [
      outcome(q('capital.6', 'Which city governs Peru?'), { answer: 'Lima' }),
      outcome(q('capital.6', 'Which city governs Chile?'), { answer: 'Lima' }),
      outcome(q('capital.7', 'Peru is governed from where?'), { answer: 'Cusco' }),
      outcome(q('capital.1', 'What is the capital of Peru?', 'seen'), { answer: 'Cusco' }),
      // A template may also ask about an entity that lacks the fact: its question is unanswerable.
      outcome(
        evalQuestion({
          templateId: 'capital.6',
          question: 'Which city governs Atlantis?',
          phrasing: 'held_out',
          type: 'unanswerable',
          key: { answers: [], match: 'abstain' },
        }),
        { answer: '', abstained: true },
      ),
    ];
    expect(summariseAccuracy(outcomes).by_held_out_template).toEqual([
      {
        template_id: 'capital.7',
        types: ['text_fact'],
        example: 'Peru is governed from where?',
        questions: 1,
        accuracy: 0,
        exact_match: 0,
      },
      {
        template_id: 'capital.6',
        types: ['text_fact', 'unanswerable'],
        example: 'Which city governs Peru?',
        questions: 3,
        accuracy: 1,
        exact_match: 1,
      },
    ]);
  });

  it('reports null, not zero, for no questions', () => {
    expect(summariseAccuracy([]).overall).toEqual({ questions: 0, accuracy: null, exact_match: null });
  });
});
