import { describe, expect, it } from 'vitest';
import { AskgGrammar } from '../../../src/core/model/index.js';

// A toy vocabulary: ids 0–19. relevant=10 :=11 none=12 ;=13 answer=14 [=15 ]=16, numbers 1–4 = ids 1–4, eos=19.
const RELEVANT = [10, 11];
const NONE = 12;
const ANSWER_OPENING = [13, 14, 11];
const OPEN = 15;
const CLOSE = 16;
const EOS = 19;
const ref = (n: number): number[] => [OPEN, n, CLOSE];
const grammar = new AskgGrammar({
  relevantPrefix: RELEVANT,
  none: [NONE],
  answerOpening: ANSWER_OPENING,
  referenceNumbers: [1, 2, 3, 4].map(ref),
  eosTokenId: EOS,
});

/** The ids left finite after the processor for a prompt of `count` references ran on `tokens`. */
function allowed(count: number, tokens: number[], logits = new Float32Array(20)): number[] {
  grammar.processor(count)(logits, { generated: tokens.length, tokens });
  return Array.from(logits.keys()).filter((id) => logits[id]! > Number.NEGATIVE_INFINITY);
}

const ALL = Array.from({ length: 20 }, (_, id) => id);

describe('ASKG output grammar', () => {
  it('forces `relevant:` and then offers the abstention or a reference marker', () => {
    expect(allowed(3, [])).toEqual([10]);
    expect(allowed(3, [10])).toEqual([11]);
    expect(allowed(3, RELEVANT)).toEqual([NONE, OPEN]);
  });

  it('ends the output after `none`', () => {
    expect(allowed(3, [...RELEVANT, NONE])).toEqual([EOS]);
  });

  it('only lets a number above the last one, within the prompt, open a marker', () => {
    expect(allowed(3, [...RELEVANT, OPEN])).toEqual([1, 2, 3]);
    expect(allowed(3, [...RELEVANT, ...ref(1), OPEN])).toEqual([2, 3]); // `[1] [1` cannot happen
    expect(allowed(4, [...RELEVANT, ...ref(2), OPEN])).toEqual([3, 4]);
    expect(allowed(3, [...RELEVANT, ...ref(2), OPEN, 3])).toEqual([CLOSE]);
  });

  it('after a number, goes on to a higher one or to `; answer:`, never to eos', () => {
    expect(allowed(3, [...RELEVANT, ...ref(1)])).toEqual([13, OPEN]);
    expect(allowed(3, [...RELEVANT, ...ref(3)])).toEqual([13]); // nothing above the prompt's last reference
    expect(allowed(3, [...RELEVANT, ...ref(1), 13])).toEqual([14]);
    expect(allowed(3, [...RELEVANT, ...ref(1), 13, 14])).toEqual([11]);
  });

  it('keeps the answer non-empty and away from a reference marker, then leaves it free', () => {
    const opened = [...RELEVANT, ...ref(1), ...ref(3), ...ANSWER_OPENING];
    expect(allowed(3, opened)).toEqual(ALL.filter((id) => id !== EOS && id !== OPEN));
    expect(allowed(3, [...opened, 7])).toEqual(ALL);
    expect(allowed(3, [...opened, 7, OPEN, 9])).toEqual(ALL);
  });

  it('allows only the abstention when the prompt holds no references', () => {
    expect(allowed(0, RELEVANT)).toEqual([NONE]);
  });

  it('lets an earlier rule win when it banned every way on', () => {
    const logits = new Float32Array(20);
    logits[2] = Number.NEGATIVE_INFINITY;
    logits[3] = Number.NEGATIVE_INFINITY;
    // `[1] [` with 3 references: 2 and 3 are the only ways on, both banned already.
    expect(allowed(3, [...RELEVANT, ...ref(1), OPEN], logits)).toEqual(ALL.filter((id) => id !== 2 && id !== 3));
  });

  it('leaves output that is already off the grammar alone', () => {
    expect(allowed(3, [7, 8])).toEqual(ALL);
    expect(allowed(3, [...RELEVANT, 7])).toEqual(ALL);
  });

  it('refuses literals that make the grammar ambiguous', () => {
    const tokens = {
      relevantPrefix: RELEVANT,
      none: [NONE],
      answerOpening: ANSWER_OPENING,
      referenceNumbers: [
        [OPEN, 1],
        [OPEN, 1, 1],
      ],
      eosTokenId: EOS,
    };
    expect(() => new AskgGrammar(tokens)).toThrow(/reference 1 is a prefix of reference 2/);
    expect(() => new AskgGrammar({ ...tokens, referenceNumbers: [[]] })).toThrow(/reference 1 has no tokens/);
  });
});
