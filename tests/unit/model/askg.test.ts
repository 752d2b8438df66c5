import { describe, expect, it } from 'vitest';
import { parseAskg } from '../../../src/core/model/index.js';
import type { AskgSpec, PromptSpec } from '../../../src/core/model/index.js';

const grammar: AskgSpec = { relevantPrefix: 'relevant:', answerPrefix: 'answer:', separator: ';', none: 'none' };
const prompt: PromptSpec = {
  questionPrefix: 'question:',
  questionImage: 'image:',
  referencesHeader: 'references:',
  noReferences: 'none',
  referenceNumber: '[{n}]',
  imageReference: 'image:',
  textReference: 'text:',
  maxRefTokens: 32,
  maxReferences: 5,
  instructionJoin: ' | ',
};
const ids = ['kb-a', 'kb-b', 'kb-c', 'kb-d', 'kb-e'];
const parse = (text: string) => parseAskg(text, grammar, prompt, ids);

describe('ASKG parsing', () => {
  it('maps the named prompt numbers to reference ids and returns the answer', () => {
    expect(parse('relevant: [2] [5]; answer: tokyo')).toEqual({
      answer: 'tokyo',
      relevant: ['kb-b', 'kb-e'],
      abstained: false,
    });
  });

  it('reads WordPiece-decoded text with spaced punctuation', () => {
    expect(parse('relevant : [ 3 ] ; answer : new york city')).toEqual({
      answer: 'new york city',
      relevant: ['kb-c'],
      abstained: false,
    });
  });

  it('abstains on relevant: none', () => {
    expect(parse('relevant: none')).toEqual({ answer: '', relevant: [], abstained: true });
  });

  it('ignores numbers outside the prompt and repeats', () => {
    expect(parse('relevant: [9] [1] [1] [0]; answer: paris').relevant).toEqual(['kb-a']);
  });

  it('keeps a selection without an answer as abstained with its references', () => {
    expect(parse('relevant: [4]')).toEqual({ answer: '', relevant: ['kb-d'], abstained: true });
  });

  it('takes output without the grammar as a bare answer', () => {
    expect(parse('  tokyo tower ')).toEqual({ answer: 'tokyo tower', relevant: [], abstained: false });
  });

  it('abstains on empty output and on an empty answer', () => {
    expect(parse('').abstained).toBe(true);
    expect(parse('relevant: [1]; answer: ').abstained).toBe(true);
  });

  it('does not take numbers after answer: as references', () => {
    expect(parse('relevant: [1]; answer: [2] apples')).toEqual({
      answer: '[2] apples',
      relevant: ['kb-a'],
      abstained: false,
    });
  });
});
