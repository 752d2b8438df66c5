import { describe, expect, it } from 'vitest';
import { mixReferences, pickDistractors } from '../../../bench/eval/distractor-plan.js';
import { sampleStratified } from '../../../bench/eval/stratified-sample.js';

const items = [
  ...Array.from({ length: 60 }, (_, i) => ({ id: `a${i}`, type: 'a' })),
  ...Array.from({ length: 30 }, (_, i) => ({ id: `b${i}`, type: 'b' })),
  ...Array.from({ length: 10 }, (_, i) => ({ id: `c${i}`, type: 'c' })),
];

describe('stratified sample', () => {
  it('keeps each type its share, in the original order, the same for the same seed', () => {
    const sample = sampleStratified(items, (x) => x.type, 20, 'seed');
    const count = (t: string) => sample.filter((x) => x.type === t).length;
    expect([count('a'), count('b'), count('c')]).toEqual([12, 6, 2]);
    expect(sample).toEqual([...sample].sort((x, y) => items.indexOf(x) - items.indexOf(y)));
    expect(sampleStratified(items, (x) => x.type, 20, 'seed')).toEqual(sample);
    expect(sampleStratified(items, (x) => x.type, 20, 'other seed')).not.toEqual(sample);
  });

  it('rounds by largest remainder to exactly the asked size', () => {
    expect(sampleStratified(items, (x) => x.type, 7, 's')).toHaveLength(7);
  });

  it('returns everything when the size is not smaller', () => {
    expect(sampleStratified(items, (x) => x.type, 500, 's')).toEqual(items);
  });
});

describe('injected distractors', () => {
  const pool = Array.from({ length: 50 }, (_, i) => `k${i}`);

  it('never injects an excluded (gold or retrieved) item, nor one twice', () => {
    const excluded = new Set(pool.slice(0, 45));
    const picked = pickDistractors(pool, excluded, 5, 'q1');
    expect(new Set(picked).size).toBe(5);
    for (const id of picked) expect(excluded.has(id)).toBe(false);
  });

  it('makes the smaller counts prefixes of the larger, seeded by the question', () => {
    const eight = pickDistractors(pool, new Set(), 8, 'q1');
    expect(pickDistractors(pool, new Set(), 4, 'q1')).toEqual(eight.slice(0, 4));
    expect(pickDistractors(pool, new Set(), 8, 'q2')).not.toEqual(eight);
  });

  it('refuses a pool too small for the count', () => {
    expect(() => pickDistractors(['a', 'b'], new Set(['a']), 2, 'q')).toThrow(RangeError);
  });

  it('shuffles retrieved and injected references together, deterministically', () => {
    const mixed = mixReferences(['r1', 'r2', 'r3', 'r4'], ['d1', 'd2', 'd3', 'd4'], 'q1|4');
    expect([...mixed].sort()).toEqual(['d1', 'd2', 'd3', 'd4', 'r1', 'r2', 'r3', 'r4']);
    expect(mixReferences(['r1', 'r2', 'r3', 'r4'], ['d1', 'd2', 'd3', 'd4'], 'q1|4')).toEqual(mixed);
  });
});
