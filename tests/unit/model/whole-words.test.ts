import { describe, expect, it } from 'vitest';
import { readWordPieceVocab, wholeWordProcessor } from '../../../src/core/model/whole-words.js';

// A WordPiece vocabulary in tokenizer.json shape: quill ##port and ar ##uban split like BERT's.
const VOCAB = ['[PAD]', ':', 'answer', 'quill', '##port', 'ar', '##uban', 'florin', '[SEP]', 'city', '##s'];
const id = (token: string): number => VOCAB.indexOf(token);
const vocab = readWordPieceVocab({
  model: { type: 'WordPiece', continuing_subword_prefix: '##', vocab: Object.fromEntries(VOCAB.map((t, i) => [t, i])) },
})!;

/** Logits after the processor, with `tokens` generated so far; -Infinity marks a masked id. */
function allowed(prompt: string[], tokens: string[]): string[] {
  const logits = new Float32Array(VOCAB.length);
  wholeWordProcessor(prompt.map(id), vocab)(logits, { generated: tokens.length, tokens: tokens.map(id) });
  return VOCAB.filter((_, i) => logits[i] !== Number.NEGATIVE_INFINITY);
}

describe('whole-word decoding', () => {
  const prompt = ['quill', '##port', 'ar', '##uban', 'florin', 'city'];

  it('reads continuation pieces and punctuation from a WordPiece tokenizer.json, and nothing from other models', () => {
    expect(Array.from(vocab.continuationIds)).toEqual([id('##port'), id('##uban'), id('##s')]);
    expect(vocab.isPunctuation[id(':')]).toBe(1);
    expect(readWordPieceVocab({ model: { type: 'Unigram', vocab: [] } })).toBeUndefined();
  });

  it('never opens the output, or a word after punctuation, with a continuation piece', () => {
    expect(allowed(prompt, [])).not.toContain('##uban');
    expect(allowed(prompt, ['answer', ':'])).toEqual(VOCAB.filter((t) => !t.startsWith('##')));
  });

  it('finishes a prompt word it has started: "quill" must go on with "##port", not stop', () => {
    expect(allowed(prompt, ['answer', ':', 'quill'])).toEqual(['##port']);
    expect(allowed(prompt, ['answer', ':', 'ar'])).toEqual(['##uban']);
  });

  it('leaves complete words and words the prompt does not hold free', () => {
    expect(allowed(prompt, ['answer', ':', 'quill', '##port'])).toEqual(VOCAB);
    expect(allowed(prompt, ['answer', ':', 'city'])).toEqual(VOCAB);
    expect(allowed(['quill', 'quill', '##port'], ['quill'])).toEqual(VOCAB); // "quill" is also a whole prompt word
  });
});
