import { describe, expect, it } from 'vitest';
import { banAfterSuffixProcessor, biasAfterPrefixProcessor } from '../../../src/core/model/index.js';

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

describe('ban after a suffix (the ASKG answer grammar)', () => {
  const answerPrefix = [5, 8]; // "answer", ":"
  const marker = 2; // "["
  const process = banAfterSuffixProcessor(answerPrefix, [marker]);

  it('bans the reference marker as the first token of the answer, wherever the answer starts', () => {
    for (const tokens of [
      [5, 8],
      [7, 8, 2, 1, 4, 6, 5, 8],
    ]) {
      const logits = new Float32Array([0, 1, 3, 2, 0]);
      process(logits, { generated: tokens.length, tokens });
      expect(Array.from(logits)).toEqual([0, 1, Number.NEGATIVE_INFINITY, 2, 0]);
    }
  });

  it('leaves the marker free everywhere else, inside the relevance list included', () => {
    for (const tokens of [[], [8], [7, 8], [5, 8, 1], [8, 5]]) {
      const logits = new Float32Array([0, 1, 3, 2, 0]);
      process(logits, { generated: tokens.length, tokens });
      expect(Array.from(logits)).toEqual([0, 1, 3, 2, 0]);
    }
  });
});
