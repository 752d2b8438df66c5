import { describe, expect, it } from 'vitest';
import { noRepeatNgramProcessor } from '../../../src/core/model/logits-processors.js';
import { readWordPieceVocab, wholeWordProcessor } from '../../../src/core/model/whole-words.js';

// A WordPiece vocabulary in tokenizer.json shape: quill ##port and ar ##uban split like BERT's.
const VOCAB = [
  '[PAD]',
  ':',
  'answer',
  'quill',
  '##port',
  'ar',
  '##uban',
  'florin',
  '[SEP]',
  'city',
  '##s',
  'pago',
  'sol',
  '1',
];
const id = (token: string): number => VOCAB.indexOf(token);
const vocab = readWordPieceVocab({
  model: { type: 'WordPiece', continuing_subword_prefix: '##', vocab: Object.fromEntries(VOCAB.map((t, i) => [t, i])) },
})!;

const byVocab = (x: string, y: string): number => id(x) - id(y);

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

  it('ends a complete prompt word or goes on into a longer one, never into a word the prompt lacks', () => {
    const wordStarts = VOCAB.filter((t) => !t.startsWith('##'));
    expect(allowed(prompt, ['answer', ':', 'quill', '##port'])).toEqual(wordStarts); // not "quillportport"
    expect(allowed(prompt, ['answer', ':', 'city'])).toEqual(wordStarts.filter((t) => t !== 'city')); // not "citys"
    // "quill" is a whole prompt word and the start of "quillport": it may end or go on with "##port".
    expect(allowed(['quill', 'quill', '##port'], ['quill'])).toEqual([...wordStarts, '##port'].sort(byVocab));
  });

  it('leaves words the prompt does not hold free, but for following themselves', () => {
    expect(allowed(prompt, ['answer', ':'])).toEqual(VOCAB.filter((t) => !t.startsWith('##')));
    expect(allowed(['city'], ['answer', ':', 'florin'])).toEqual(VOCAB.filter((t) => t !== 'florin'));
  });

  it('never writes a word of letters twice in a row unless the prompt does ("pago pago") or holds a longer word', () => {
    const text = ['currency', ':', 'peruvian', 'sol', 'capital', ':', 'pago', 'pago', 'quill', ':', 'quill', '##port'];
    const promptWords = text.map((t) => (VOCAB.includes(t) ? t : 'city'));
    expect(allowed(promptWords, ['answer', ':', 'sol'])).not.toContain('sol'); // "sol sol"
    expect(allowed(promptWords, ['answer', ':', 'pago'])).toContain('pago'); // the prompt doubles it
    expect(allowed(promptWords, ['answer', ':', 'quill'])).toContain('quill'); // may start "quillport"
    expect(allowed(promptWords, ['[PAD]', '1'])).toContain('1'); // numbers are not held back
    // A two-piece word: "aruban ar" may not go on into a second "aruban".
    expect(allowed(prompt, ['ar', '##uban', 'ar'])).not.toContain('##uban');
    expect(allowed([...prompt, 'ar', '##uban', 'ar', '##uban'], ['ar', '##uban', 'ar'])).toEqual(['##uban']);
  });

  it('yields to an earlier rule that banned every continuation, rather than masking the whole row', () => {
    const logits = new Float32Array(VOCAB.length);
    logits[id('##port')] = Number.NEGATIVE_INFINITY; // e.g. "quill ##port" would repeat an n-gram
    const tokens = ['answer', ':', 'quill'].map(id);
    wholeWordProcessor(prompt.map(id), vocab)(logits, { generated: tokens.length, tokens });
    expect(VOCAB.filter((_, i) => logits[i] !== Number.NEGATIVE_INFINITY)).toEqual(VOCAB.filter((t) => t !== '##port'));
  });
});

describe('no repeated n-grams', () => {
  /** Ids left allowed after the processor, with `tokens` generated so far. */
  function allowedAfter(size: number, tokens: number[]): number[] {
    const logits = new Float32Array(8);
    noRepeatNgramProcessor(size)(logits, { generated: tokens.length, tokens });
    return [...logits.keys()].filter((i) => logits[i] !== Number.NEGATIVE_INFINITY);
  }

  it('bans the token that would complete an n-gram already generated, as Hugging Face does', () => {
    // 1 2 3 … 1 2: a third "3" would repeat the trigram 1 2 3.
    expect(allowedAfter(3, [1, 2, 3, 4, 1, 2])).toEqual([0, 1, 2, 4, 5, 6, 7]);
    // A runaway loop: 5 6 5 6 5 may not go on with 6.
    expect(allowedAfter(3, [5, 6, 5, 6, 5])).toEqual([0, 1, 2, 3, 4, 5, 7]);
    expect(allowedAfter(2, [4, 4])).toEqual([0, 1, 2, 3, 5, 6, 7]);
  });

  it('leaves rows shorter than the n-gram, and rows without a repeat, free', () => {
    expect(allowedAfter(3, [1, 2])).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(allowedAfter(3, [1, 2, 3, 4])).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });
});
