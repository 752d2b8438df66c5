/**
 * Whole-word decoding for WordPiece generators. A copy head picks prompt tokens one piece at a time, and a small model
 * can stop inside a word ("quill" for "Quillport") or open one with a continuation piece ("##uban" for "Aruban").
 * Neither can come out of tokenising real text, so the loop forbids both:
 * - a continuation piece (`##…`) never starts the output or follows punctuation, which WordPiece always splits off;
 * - while the word being written is a proper prefix of prompt words and equal to none of them, only the pieces that
 *   continue one of those words may follow (EOS included in what is masked);
 * - once it equals a prompt word, it ends there or goes on into a longer prompt word: no other continuation piece
 *   ("dushanbe" cannot become "dushanbebe", nor "florin" "florinn");
 * - a word of letters never follows itself ("peruvian sol sol"), unless the prompt holds that doubling ("pago pago")
 *   or a longer word that starts with it. The n-gram rule lets a word repeat up to three times. Numbers are left
 *   alone: the relevance list is `askg-grammar.ts`'s business, and the tokenizer writes reference 11 as one token.
 * Words the prompt does not hold (generated from the vocabulary) are otherwise left free.
 * @module
 */
import { keepOnly, type LogitsProcessor } from './logits-processors.js';

/** What the constraint knows about a WordPiece vocabulary, indexed by token id. */
export interface WordPieceVocab {
  /** 1 for continuation pieces (`##…`). */
  readonly isContinuation: Uint8Array;
  /** 1 for single-character punctuation tokens. */
  readonly isPunctuation: Uint8Array;
  /** 1 for word-starting pieces that begin with a letter. */
  readonly startsWithLetter: Uint8Array;
  /** The ids of the continuation pieces. */
  readonly continuationIds: Int32Array;
}

/** The continuation pieces of a vocabulary, read from a `tokenizer.json` WordPiece model; undefined otherwise. */
export function readWordPieceVocab(tokenizerJson: unknown): WordPieceVocab | undefined {
  const model = (tokenizerJson as { model?: { type?: string; vocab?: unknown; continuing_subword_prefix?: string } })
    .model;
  if (model?.type !== 'WordPiece' || typeof model.vocab !== 'object' || model.vocab === null) return undefined;
  const prefix = model.continuing_subword_prefix ?? '##';
  const entries = Object.entries(model.vocab as Record<string, number>);
  const size = entries.reduce((max, [, id]) => Math.max(max, id + 1), 0);
  const isContinuation = new Uint8Array(size);
  const isPunctuation = new Uint8Array(size);
  const startsWithLetter = new Uint8Array(size);
  for (const [token, id] of entries) {
    if (token.startsWith(prefix) && token.length > prefix.length) isContinuation[id] = 1;
    else if (/^[\p{P}\p{S}]$/u.test(token)) isPunctuation[id] = 1;
    else if (/^\p{L}/u.test(token)) startsWithLetter[id] = 1;
  }
  const continuationIds = Int32Array.from(entries.filter(([, id]) => isContinuation[id] === 1).map(([, id]) => id));
  return { isContinuation, isPunctuation, startsWithLetter, continuationIds };
}

/** The words of `ids` (a start piece and its continuation pieces), as id lists. */
function splitWords(ids: readonly number[], vocab: WordPieceVocab): number[][] {
  const words: number[][] = [];
  for (const id of ids) {
    if (vocab.isContinuation[id] === 1 && words.length > 0) words[words.length - 1]!.push(id);
    else words.push([id]);
  }
  return words;
}

/** A processor that keeps copied words to whole words of `promptIds` (see the module comment). */
export function wholeWordProcessor(promptIds: readonly number[], vocab: WordPieceVocab): LogitsProcessor {
  const promptWords = splitWords(promptIds, vocab);
  const byFirstPiece = new Map<number, number[][]>();
  for (const word of promptWords) {
    const list = byFirstPiece.get(word[0]!) ?? [];
    list.push(word);
    byFirstPiece.set(word[0]!, list);
  }
  const doubledInPrompt = new Set<string>();
  for (let i = 1; i < promptWords.length; i++) {
    const key = promptWords[i]!.join(' ');
    if (key === promptWords[i - 1]!.join(' ')) doubledInPrompt.add(key);
  }
  const mayRepeat = (word: readonly number[]): boolean =>
    vocab.startsWithLetter[word[0]!] !== 1 ||
    doubledInPrompt.has(word.join(' ')) ||
    (byFirstPiece.get(word[0]!) ?? []).some((w) => w.length > word.length && word.every((id, i) => w[i] === id));
  const forbidContinuations = (logits: Float32Array): void => {
    for (const id of vocab.continuationIds) if (id < logits.length) logits[id] = Number.NEGATIVE_INFINITY;
  };
  /** Bans the piece that would complete a copy of the word before the one being written. */
  const forbidDoubledWord = (logits: Float32Array, tokens: readonly number[]): void => {
    const words = splitWords(tokens, vocab);
    const last = words[words.length - 1];
    // A new word that would be the last one again (a one-piece word ends as soon as it starts).
    if (last?.length === 1 && !mayRepeat(last)) logits[last[0]!] = Number.NEGATIVE_INFINITY;
    // The last word's next piece, where it would make that word a copy of the word before it.
    const before = words[words.length - 2];
    if (last === undefined || before === undefined || before.length !== last.length + 1) return;
    if (last.every((id, i) => before[i] === id) && !mayRepeat(before))
      logits[before[last.length]!] = Number.NEGATIVE_INFINITY;
  };
  return function keepWholeWords(logits, row) {
    const { tokens } = row;
    forbidDoubledWord(logits, tokens);
    const last = tokens[tokens.length - 1];
    if (last === undefined || vocab.isPunctuation[last] === 1) {
      forbidContinuations(logits);
      return;
    }
    let start = tokens.length - 1;
    while (start > 0 && vocab.isContinuation[tokens[start]!] === 1) start--;
    const written = tokens.slice(start);
    const next = new Set<number>();
    let isComplete = false;
    for (const word of byFirstPiece.get(written[0]!) ?? []) {
      if (word.length < written.length || !written.every((id, i) => word[i] === id)) continue;
      if (word.length === written.length) isComplete = true;
      else next.add(word[written.length]!);
    }
    if (!isComplete && next.size === 0) return; // a word from the vocabulary, not copied: left free
    if (isComplete) {
      // A complete prompt word ends here, or goes on into a longer prompt word; anything else may follow it.
      for (const id of vocab.continuationIds)
        if (id < logits.length && !next.has(id)) logits[id] = Number.NEGATIVE_INFINITY;
      return;
    }
    // An earlier rule (no repeated n-grams) may have banned every continuation: it wins, and the word stays open.
    if (![...next].some((id) => logits[id]! > Number.NEGATIVE_INFINITY)) return;
    keepOnly(logits, [...next]);
  };
}
