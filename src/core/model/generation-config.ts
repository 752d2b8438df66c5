/**
 * The settings the decoding loop reads, and nothing else (style.md rule 13). Resolved once per request from the
 * caller's options and the manifest's special tokens; unsupported values are refused here.
 * @module
 */
import { z } from 'zod';
import { AppError } from '../errors.js';

/** A fully resolved decoding configuration for one request. */
export interface GenerationConfig {
  /** Stop after this many generated tokens (the EOS token counts). */
  readonly maxNewTokens: number;
  /** EOS is masked until this many tokens exist. */
  readonly minNewTokens: number;
  /** 1 is greedy search; more is beam search with this many beams. */
  readonly numBeams: number;
  /** Beam score = sum of log-probs / length ** lengthPenalty. Read by beam search only. */
  readonly lengthPenalty: number;
  /** The token that ends a sequence. */
  readonly eosTokenId: number;
  /** The first decoder input (not part of the output). */
  readonly decoderStartTokenId: number;
  /** Keep answers to whole prompt words (`whole-words.ts`); read where the prompt is known (`generate`). */
  readonly wholeWords: boolean;
  /** No n-gram of this many tokens occurs twice in a row's output; 0 turns the rule off. */
  readonly noRepeatNgramSize: number;
  /** ASKG output follows its grammar (`askg-grammar.ts`); read where the grammar is known (`generate`). */
  readonly answerGrammar: boolean;
}

/** What a caller may set; the rest comes from the bundle. */
export interface GenerationOptionsInput {
  /** @default 32 */
  readonly maxNewTokens?: number;
  /** @default 0 */
  readonly minNewTokens?: number;
  /** @default 1 */
  readonly numBeams?: number;
  /** @default 1 */
  readonly lengthPenalty?: number;
  /** Whole-word decoding for WordPiece generators; false gives the raw model's choices. @default true */
  readonly wholeWords?: boolean;
  /**
   * No n-gram of this many tokens twice in the output (Hugging Face's `no_repeat_ngram_size`), against a small
   * model's runaway loops ("florinorinorin…"); 0 gives the raw model's choices. @default 3
   */
  readonly noRepeatNgramSize?: number;
  /**
   * ASKG output follows its grammar: `relevant: none`, or reference numbers in ascending order within the prompt's,
   * then a non-empty answer that never opens with a reference marker (`askg-grammar.ts`); false gives the raw
   * model's choices. @default true
   */
  readonly answerGrammar?: boolean;
}

const optionsSchema = z
  .strictObject({
    maxNewTokens: z.number().int().min(1).max(1024).default(32),
    minNewTokens: z.number().int().min(0).default(0),
    numBeams: z.number().int().min(1).max(16).default(1),
    lengthPenalty: z.number().finite().default(1),
    wholeWords: z.boolean().default(true),
    noRepeatNgramSize: z.number().int().min(0).max(64).default(3),
    answerGrammar: z.boolean().default(true),
  })
  .refine((o) => o.minNewTokens <= o.maxNewTokens, { message: 'minNewTokens must not exceed maxNewTokens' });

/**
 * Validates `options` and completes them with the bundle's special tokens. Throws `AppError('invalid_input')` for
 * unknown keys or values out of range.
 */
export function resolveGenerationConfig(
  options: GenerationOptionsInput | undefined,
  tokens: { readonly eosTokenId: number; readonly decoderStartTokenId: number },
): GenerationConfig {
  const parsed = optionsSchema.safeParse(options ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'options'}: ${i.message}`).join('; ');
    throw new AppError('invalid_input', `invalid generation options: ${problems}`);
  }
  return { ...parsed.data, ...tokens };
}
