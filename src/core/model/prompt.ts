/**
 * The generator prompt and the Q-Former instructions of family `ra-blip` (docs/bundle-format.md "Prompt"), id for id
 * as `training/ra_blip/prompt.py` builds them; the parity fixture holds the Python ids.
 * @module
 */
import { AppError } from '../errors.js';
import type { PromptSpec } from './manifest.js';
import type { TextTokenizer } from './tokenizer.js';

/** A reference as the prompt sees it. */
export type PromptReference =
  { readonly kind: 'image'; readonly caption: string } | { readonly kind: 'text'; readonly text: string };

/** What goes into one prompt. */
export interface PromptInput {
  readonly question: string;
  readonly hasQuestionImage: boolean;
  readonly references: readonly PromptReference[];
}

/** Token ids the prompt needs from the manifest. */
export interface PromptSpecialTokens {
  readonly imageTokenId: number;
  readonly eosId: number;
  /** Image tokens per slot. */
  readonly nQuery: number;
  /** Longest prompt the generator takes (`text.generator.maxLength`). */
  readonly maxLength: number;
}

/** Generator input ids (ending with EOS) and the number of image slots, question image first. */
export interface GeneratorPrompt {
  readonly inputIds: number[];
  readonly imageSlots: number;
}

/** `[3]` for 3 with the template `[{n}]`. */
export function formatReferenceNumber(spec: PromptSpec, n: number): string {
  return spec.referenceNumber.replace('{n}', String(n));
}

/**
 * Builds the prompt from segments tokenised without special tokens:
 * `question: {question}` [`image:` IMG] `references:` [`none`], then `[n] image: IMG {caption}` or `[n] text: {text}`
 * (caption and text cut to `maxRefTokens`), then EOS; IMG is `nQuery` image tokens.
 * Throws `AppError('invalid_input')` past `maxReferences` or past the generator's `maxLength`.
 */
export function buildGeneratorPrompt(
  tokenizer: TextTokenizer,
  spec: PromptSpec,
  special: PromptSpecialTokens,
  input: PromptInput,
): GeneratorPrompt {
  if (input.references.length > spec.maxReferences) {
    throw new AppError(
      'invalid_input',
      `${input.references.length} references exceed the bundle's maxReferences of ${spec.maxReferences}`,
    );
  }
  const plain = (text: string): number[] => tokenizer.encode(text, { addSpecialTokens: false });
  const image = new Array<number>(special.nQuery).fill(special.imageTokenId);
  const ids = [...plain(spec.questionPrefix), ...plain(input.question)];
  let imageSlots = 0;
  if (input.hasQuestionImage) {
    ids.push(...plain(spec.questionImage), ...image);
    imageSlots += 1;
  }
  ids.push(...plain(spec.referencesHeader));
  if (input.references.length === 0) ids.push(...plain(spec.noReferences));
  input.references.forEach((reference, i) => {
    ids.push(...plain(formatReferenceNumber(spec, i + 1)));
    if (reference.kind === 'image') {
      ids.push(...plain(spec.imageReference), ...image, ...plain(reference.caption).slice(0, spec.maxRefTokens));
      imageSlots += 1;
    } else {
      ids.push(...plain(spec.textReference), ...plain(reference.text).slice(0, spec.maxRefTokens));
    }
  });
  ids.push(special.eosId);
  if (ids.length > special.maxLength) {
    throw new AppError(
      'invalid_input',
      `prompt has ${ids.length} tokens, more than the generator's ${special.maxLength}`,
    );
  }
  return { inputIds: ids, imageSlots };
}

/**
 * The Q-Former instruction: `{question} | {caption}` at answer time, `{caption}` at ingest, `{question}` for the
 * question image (blank parts are left out).
 */
export function buildQformerInstruction(spec: PromptSpec, question: string, caption: string): string {
  return [question, caption].filter((part) => part.trim() !== '').join(spec.instructionJoin);
}
