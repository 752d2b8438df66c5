/**
 * A cheap, conservative token estimate for fitting references into the generator's prompt. The exact count needs the
 * bundle's tokenizer, which lives behind the ModelClient; an over-estimate only means one reference fewer.
 * @module
 */

/** Limits on the references handed to the generator. */
export interface TokenBudget {
  /** Most references in one prompt. */
  readonly maxReferences: number;
  /** Prompt tokens for question and references together (the generator's encoder length, minus a margin). */
  readonly maxPromptTokens: number;
  /** Tokens one reference's text may use; the model truncates longer ones to this. */
  readonly maxRefTokens: number;
  /** Tokens an image takes in the prompt (the bundle's `nQuery`). */
  readonly imageTokens: number;
}

/** Template tokens around each reference (`[n] image:` / `[n] text:`). */
export const REFERENCE_OVERHEAD_TOKENS = 4;
/** Template tokens around the question (`question:`, `references:`, the closing separator). */
export const QUESTION_OVERHEAD_TOKENS = 6;

/** Upper-bound estimate of WordPiece tokens: words split every 7 letters, numbers every 3 digits, 1 per symbol. */
export function estimateTokens(text: string): number {
  let tokens = 0;
  for (const match of text.matchAll(/\p{L}+|\p{N}+|[^\s\p{L}\p{N}]/gu)) {
    const piece = match[0];
    if (/^\p{L}/u.test(piece)) tokens += Math.ceil(piece.length / 7);
    else if (/^\p{N}/u.test(piece)) tokens += Math.ceil(piece.length / 3);
    else tokens += 1;
  }
  return tokens;
}

/** Tokens one reference costs in the prompt. */
export function referenceCost(content: string, isImage: boolean, budget: TokenBudget): number {
  const text = Math.min(estimateTokens(content), budget.maxRefTokens);
  return REFERENCE_OVERHEAD_TOKENS + text + (isImage ? budget.imageTokens : 0);
}

/** Tokens left for references once the question (and its image, if any) is in the prompt. */
export function referenceTokenAllowance(question: string, hasImage: boolean, budget: TokenBudget): number {
  const questionCost = QUESTION_OVERHEAD_TOKENS + estimateTokens(question) + (hasImage ? budget.imageTokens : 0);
  return Math.max(0, budget.maxPromptTokens - questionCost);
}
