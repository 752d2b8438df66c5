import { describe, expect, it } from 'vitest';
import { recallAtK, reciprocalRank, summariseRetrieval } from '../../../bench/eval/retrieval-metrics.js';

describe('recall@k', () => {
  it('is the fraction of gold items in the top k', () => {
    expect(recallAtK(['a', 'b', 'c'], ['b'], 1)).toBe(0);
    expect(recallAtK(['a', 'b', 'c'], ['b'], 2)).toBe(1);
    expect(recallAtK(['a', 'b', 'c', 'd', 'e', 'f'], ['a', 'f'], 5)).toBe(0.5);
  });

  it('counts a gold item listed twice once', () => {
    expect(recallAtK(['a'], ['a', 'a'], 1)).toBe(1);
  });

  it('refuses a question without gold items', () => {
    expect(() => recallAtK(['a'], [], 5)).toThrow(RangeError);
  });
});

describe('reciprocal rank', () => {
  it('is 1 / rank of the first gold item, 0 when none is retrieved', () => {
    expect(reciprocalRank(['a', 'b', 'c'], ['a'])).toBe(1);
    expect(reciprocalRank(['a', 'b', 'c'], ['c', 'b'])).toBe(0.5);
    expect(reciprocalRank(['a', 'b'], ['z'])).toBe(0);
  });
});

describe('retrieval summary', () => {
  it('averages over questions with gold and leaves the others out', () => {
    const summary = summariseRetrieval([
      { ranked: ['g', 'x'], gold: ['g'] },
      { ranked: ['x', 'y', 'g'], gold: ['g', 'h'] },
      { ranked: ['x'], gold: [] },
    ]);
    expect(summary.questions).toBe(2);
    expect(summary.recall_at_1).toBe(0.5);
    expect(summary.recall_at_5).toBe(0.75);
    expect(summary.mrr).toBeCloseTo((1 + 1 / 3) / 2, 10);
  });

  it('is null when no question has gold', () => {
    expect(summariseRetrieval([{ ranked: ['a'], gold: [] }])).toEqual({
      questions: 0,
      recall_at_1: null,
      recall_at_5: null,
      mrr: null,
    });
  });
});
