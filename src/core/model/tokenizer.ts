/**
 * A `tokenizer.json` (Hugging Face format) read by `@huggingface/tokenizers`, with the one behaviour that library
 * leaves out: truncation that keeps the special tokens, as the Python `tokenizers` does (`max_length` counts them).
 * The padding and truncation recorded in the file are ignored; lengths come from the manifest.
 * @module
 */
import { readFile } from 'node:fs/promises';
import { Tokenizer } from '@huggingface/tokenizers';
import { readWordPieceVocab } from './whole-words.js';
import type { WordPieceVocab } from './whole-words.js';

/** Options of `TextTokenizer.encode`. */
export interface EncodeOptions {
  /** Add the post-processor's special tokens (`[CLS] … [SEP]` for BERT, `… </s>` for T5). @default true */
  readonly addSpecialTokens?: boolean;
  /** Keep at most this many ids, special tokens included, cutting the text from the right. @default unlimited */
  readonly maxLength?: number;
}

/** Text to token ids and back, for one `tokenizer.json`. */
export class TextTokenizer {
  private readonly tokenizer: Tokenizer;
  /** The vocabulary's word pieces, for whole-word decoding; undefined when the model is not WordPiece. */
  readonly wordPieces: WordPieceVocab | undefined;

  private constructor(tokenizer: Tokenizer, wordPieces: WordPieceVocab | undefined) {
    this.tokenizer = tokenizer;
    this.wordPieces = wordPieces;
  }

  /** Reads a `tokenizer.json` file. */
  static async fromFile(path: string): Promise<TextTokenizer> {
    const json: unknown = JSON.parse(await readFile(path, 'utf8'));
    return new TextTokenizer(new Tokenizer(json as object, {}), readWordPieceVocab(json));
  }

  /** Token ids of `text`. */
  encode(text: string, options: EncodeOptions = {}): number[] {
    const addSpecialTokens = options.addSpecialTokens ?? true;
    const maxLength = options.maxLength ?? Number.POSITIVE_INFINITY;
    const ids = this.tokenizer.encode(text, { add_special_tokens: addSpecialTokens }).ids;
    if (ids.length <= maxLength) return ids;
    if (!addSpecialTokens) return ids.slice(0, maxLength);
    // ids == prefix + plain + suffix (a single-sequence template): cut plain so that the whole fits.
    const plain = this.tokenizer.encode(text, { add_special_tokens: false }).ids;
    const prefixLength = findPrefixLength(ids, plain);
    const suffix = ids.slice(prefixLength + plain.length);
    const prefix = ids.slice(0, prefixLength);
    const keep = Math.max(0, maxLength - prefix.length - suffix.length);
    return [...prefix, ...plain.slice(0, keep), ...suffix];
  }

  /** Text of `ids`, without special tokens unless asked; '' for no ids (a generation that stopped at once). */
  decode(ids: readonly number[], options: { readonly skipSpecialTokens?: boolean } = {}): string {
    if (ids.length === 0) return '';
    return this.tokenizer.decode([...ids], { skip_special_tokens: options.skipSpecialTokens ?? true });
  }

  /** The id of a vocabulary token, or undefined. */
  tokenToId(token: string): number | undefined {
    return this.tokenizer.token_to_id(token);
  }
}

function findPrefixLength(withSpecial: readonly number[], plain: readonly number[]): number {
  const extra = withSpecial.length - plain.length;
  for (let start = 0; start <= extra; start++) {
    if (plain.every((id, i) => withSpecial[start + i] === id)) return start;
  }
  throw new Error('tokenizer post-processor is not a single-sequence template (prefix + text + suffix)');
}
