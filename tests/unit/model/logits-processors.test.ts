import { describe, expect, it } from 'vitest';
import { biasAfterPrefixProcessor, keepOnly } from '../../../src/core/model/index.js';

describe('bias after a prefix (the ASKG abstention threshold)', () => {
  const relevant = [7, 8]; // "relevant", ":"
  const none = 3;
  const process = biasAfterPrefixProcessor(relevant, none, -1.5);

  it('moves the token right after the exact prefix', () => {
    const logits = new Float32Array([0, 1, 2, 4, 0]);
    process(logits, { generated: 2, tokens: [7, 8] });
    expect(Array.from(logits)).toEqual([0, 1, 2, 2.5, 0]);
  });

  it('leaves every other step alone', () => {
    for (const tokens of [[], [7], [7, 9], [7, 8, 3], [8, 7]]) {
      const logits = new Float32Array([0, 1, 2, 4, 0]);
      process(logits, { generated: tokens.length, tokens });
      expect(Array.from(logits)).toEqual([0, 1, 2, 4, 0]);
    }
  });
});

describe('keeping only some logits', () => {
  it('masks every other entry and leaves the kept ones as they were, banned ones included', () => {
    const logits = new Float32Array([0.5, 1, Number.NEGATIVE_INFINITY, 2, -3]);
    keepOnly(logits, [3, 2, 3]);
    expect(Array.from(logits)).toEqual([
      Number.NEGATIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      2,
      Number.NEGATIVE_INFINITY,
    ]);
  });
});
