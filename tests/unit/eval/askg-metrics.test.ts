import { describe, expect, it } from 'vitest';
import { summariseAbstention, summariseRelevance } from '../../../bench/eval/askg-metrics.js';
import { evalQuestion, outcome } from './eval-factories.js';

describe('relevance accuracy', () => {
  it('scores every (question, reference) pair against the gold items', () => {
    const q = evalQuestion({ gold: ['g1', 'g2'] });
    const summary = summariseRelevance([
      // g1 named (right), x named (wrong), g2 not named (wrong), y not named (right)
      outcome(q, { references: ['g1', 'x', 'g2', 'y'], relevant: ['g1', 'x'], answer: 'Lima' }),
      // abstained on noise: both pairs right
      outcome(evalQuestion({ gold: ['g9'] }), { references: ['x', 'y'], relevant: [] }),
    ]);
    expect(summary.pairs).toBe(6);
    expect(summary.relevance_accuracy).toBeCloseTo(4 / 6, 10);
    expect(summary.relevance_precision).toBe(0.5);
    expect(summary.relevance_recall).toBe(0.5);
  });

  it('leaves out questions without gold (a --questions file) and questions without references', () => {
    const noGold = evalQuestion({ gold: undefined });
    const closedBook = evalQuestion();
    const summary = summariseRelevance([outcome(noGold), outcome(closedBook, { references: [] })]);
    expect(summary).toEqual({ pairs: 0, relevance_accuracy: null, relevance_precision: null, relevance_recall: null });
  });
});

describe('abstain precision, recall and F1', () => {
  const unanswerable = () => evalQuestion({ type: 'unanswerable', key: { answers: [], match: 'abstain' } });

  it('treats abstaining as the positive class and unanswerable questions as the truth', () => {
    const summary = summariseAbstention([
      outcome(unanswerable(), { abstained: true }), // true positive
      outcome(unanswerable(), { answer: 'Lima', abstained: false }), // false negative
      outcome(evalQuestion(), { abstained: true }), // false positive
      outcome(evalQuestion(), { answer: 'Lima', abstained: false }), // true negative
    ]);
    expect(summary).toEqual({
      abstained: 2,
      unanswerable: 2,
      abstain_precision: 0.5,
      abstain_recall: 0.5,
      abstain_f1: 0.5,
      abstain_recall_with_image: null,
    });
  });

  it('reports recall over the unanswerable questions that came with an image on its own', () => {
    const withImage = () =>
      evalQuestion({ type: 'unanswerable', key: { answers: [], match: 'abstain' }, imagePath: '/kb/logo.png' });
    const summary = summariseAbstention([
      outcome(withImage(), { abstained: true }),
      outcome(withImage(), { answer: 'peru', abstained: false }),
      outcome(withImage(), { answer: 'lima', abstained: false }),
      outcome(unanswerable(), { abstained: true }),
    ]);
    expect(summary.abstain_recall).toBe(0.5);
    expect(summary.abstain_recall_with_image).toBeCloseTo(1 / 3, 10);
  });

  it('gives F1 0 when the model never abstains, and null when nothing is unanswerable', () => {
    const never = summariseAbstention([outcome(unanswerable(), { answer: 'Lima', abstained: false })]);
    expect(never.abstain_precision).toBeNull();
    expect(never.abstain_f1).toBe(0);
    const nothing = summariseAbstention([outcome(evalQuestion(), { answer: 'Lima', abstained: false })]);
    expect(nothing.abstain_recall).toBeNull();
    expect(nothing.abstain_f1).toBeNull();
  });

  it('does not count a failed call as an abstention', () => {
    const summary = summariseAbstention([outcome(unanswerable(), { abstained: true, error: 'timeout' })]);
    expect(summary.abstained).toBe(0);
    expect(summary.abstain_recall).toBe(0);
  });
});
