import { describe, expect, it } from 'vitest';
import {
  abstention,
  chooseBias,
  pairOutcomes,
  scorePairs,
  type BiasRow,
  type BiasRun,
} from '../../../bench/calibrate-abstention.js';
import { evalQuestion, outcome } from './eval-factories.js';

const row = (bias: number, accuracy: number, abstainF1: number, unlinked = bias): BiasRow => ({
  bias,
  bias_unlinked_image: unlinked,
  accuracy,
  relevance_accuracy: 0.9,
  abstain_precision: abstainF1,
  abstain_recall: abstainF1,
  abstain_f1: abstainF1,
  abstain_recall_with_image: null,
});

describe('choosing the abstention bias', () => {
  it('takes the best abstain F1 among biases within half a point of the best accuracy', () => {
    const rows = [row(-2, 0.64, 0.9), row(-1, 0.652, 0.8), row(0, 0.65, 0.7), row(1, 0.6, 0.95)];
    expect(chooseBias(rows).bias).toBe(-1);
    expect(chooseBias([row(-1, 0.65, 0.72), row(0, 0.648, 0.75)]).bias).toBe(0);
  });

  it('prefers the bias nearest 0 among equal abstain F1', () => {
    expect(chooseBias([row(-1, 0.7, 0.905), row(-0.5, 0.7, 0.905), row(0, 0.7, 0.901)]).bias).toBe(-0.5);
  });

  it('of equal abstain F1, takes the unlinked-image bias nearest the general one', () => {
    const rows = [row(-7, 0.78, 0.94, 4), row(-7, 0.78, 0.94, 2), row(-6, 0.78, 0.94, -6), row(-7, 0.78, 0.93, -7)];
    expect(chooseBias(rows)).toMatchObject({ bias: -6, bias_unlinked_image: -6 });
    expect(chooseBias(rows.slice(0, 2))).toMatchObject({ bias: -7, bias_unlinked_image: 2 });
  });

  it('refuses an empty sweep', () => {
    expect(() => chooseBias([])).toThrow(/no bias/);
  });

  it('scores a bias at which the model never abstains as F1 0 instead of failing the sweep', () => {
    expect(abstention({ abstain_precision: null, abstain_recall: 0, abstain_f1: null })).toEqual({
      abstain_precision: null,
      abstain_recall: 0,
      abstain_f1: 0,
    });
    expect(abstention({ abstain_precision: 0.9, abstain_recall: 0.8, abstain_f1: 0.847 }).abstain_f1).toBe(0.847);
    expect(() => abstention({ abstain_precision: 0.9, abstain_recall: null, abstain_f1: null })).toThrow(
      /abstain_recall/,
    );
  });
});

describe('pairs of a general and an unlinked-image bias', () => {
  const answerable = evalQuestion({ key: { answers: ['Lima'], match: 'contains_any' } });
  const unknownImage = evalQuestion({
    type: 'unanswerable',
    imagePath: '/logo.png',
    key: { answers: [], match: 'abstain' },
  });
  const isUnlinkedImage = [false, true];
  // At the low bias the model answers both; at the high one it abstains on both.
  const low: BiasRun = {
    bias: -7,
    isUnlinkedImage,
    outcomes: [answerable, unknownImage].map((q) => outcome(q, { answer: 'lima' })),
  };
  const high: BiasRun = { bias: 4, isUnlinkedImage, outcomes: [answerable, unknownImage].map((q) => outcome(q)) };

  it('takes each question from the run of its own bias', () => {
    const paired = pairOutcomes(low, high);
    expect(paired.map((o) => o.abstained)).toEqual([false, true]);
  });

  it('scores every pair whose unlinked-image bias is at least the general one', () => {
    const rows = scorePairs([low, high]);
    expect(rows.map((r) => [r.bias, r.bias_unlinked_image])).toEqual([
      [-7, -7],
      [-7, 4],
      [4, 4],
    ]);
    const split = rows[1]!;
    expect(split).toMatchObject({ accuracy: 1, abstain_precision: 1, abstain_recall: 1, abstain_f1: 1 });
    expect(chooseBias(rows)).toMatchObject({ bias: -7, bias_unlinked_image: 4 });
  });

  it('refuses runs over different questions', () => {
    expect(() => pairOutcomes(low, { ...high, outcomes: high.outcomes.slice(0, 1) })).toThrow(/different questions/);
  });
});
