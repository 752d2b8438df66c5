import { describe, expect, it } from 'vitest';
import type { VectorMatch } from '../../../src/core/ports.js';
import { assembleKnowledge, estimateTokens, type TokenBudget } from '../../../src/core/pipeline/index.js';

const budget: TokenBudget = { maxReferences: 5, maxPromptTokens: 480, maxRefTokens: 64, imageTokens: 16 };

function match(id: string, score: number, content: string, modality: 'text' | 'image' = 'text'): VectorMatch {
  return { id, score, metadata: { modality, content, source: 's', modelVersion: 'm@1' } };
}

describe('assembling retrieved knowledge into references', () => {
  it('orders by score and drops duplicates of id or content', () => {
    const { selected, dropped } = assembleKnowledge(
      [
        match('b', 0.5, 'Second fact.'),
        match('a', 0.9, 'First fact.'),
        match('a', 0.4, 'First fact.'),
        match('c', 0.7, '  first   FACT. '.replace('FACT', 'fact')),
      ],
      budget,
      400,
    );
    expect(selected.map((m) => m.id)).toEqual(['a', 'b']);
    expect(dropped.map((m) => m.id).sort()).toEqual(['a', 'c']);
  });

  it('stops at maxReferences and at the token allowance, but always keeps the best match', () => {
    const long = 'word '.repeat(200);
    const matches = [match('x', 0.9, long), match('y', 0.8, 'short'), match('z', 0.7, 'short too')];
    expect(assembleKnowledge(matches, { ...budget, maxReferences: 2 }, 1_000).selected.map((m) => m.id)).toEqual([
      'x',
      'y',
    ]);
    expect(assembleKnowledge(matches, budget, 10).selected.map((m) => m.id)).toEqual(['x']);
  });

  it('counts an image reference with its image tokens', () => {
    const image = match('img', 0.9, 'red flag', 'image');
    const text = match('txt', 0.8, 'red flag');
    const allowance = 4 + estimateTokens('red flag') + 16;
    expect(assembleKnowledge([image, text], budget, allowance).selected.map((m) => m.id)).toEqual(['img']);
    expect(assembleKnowledge([image, text], { ...budget, imageTokens: 0 }, allowance).selected).toHaveLength(2);
  });
});
