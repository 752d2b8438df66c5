import { describe, expect, it } from 'vitest';
import { abstention, chooseBias, type BiasRow } from '../../../bench/calibrate-abstention.js';

const row = (bias: number, accuracy: number, abstainF1: number): BiasRow => ({
  bias,
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
