/**
 * Parses the generator's ASKG output (`relevant: [2] [5]; answer: tokyo`, `relevant: none`) into the answer and the
 * ids of the references it names. Decoded WordPiece text spaces out punctuation (`relevant : [ 2 ] ;`), so every
 * literal of the grammar matches with optional whitespace between its parts.
 * @module
 */
import type { AskgSpec, PromptSpec } from './manifest.js';

/** The parsed output. */
export interface AskgResult {
  /** The answer text; empty when the model abstained. */
  readonly answer: string;
  /** Ids of the references the model named, in the order it named them, each once. */
  readonly relevant: string[];
  /** True when there is no answer (`relevant: none`, or nothing after `answer:`). */
  readonly abstained: boolean;
}

/** A regex source matching `literal` with optional whitespace between its words and punctuation marks. */
function looseLiteral(literal: string): string {
  const parts = literal.match(/[\p{L}\p{N}_]+|[^\p{L}\p{N}_\s]/gu) ?? [];
  return parts.map((p) => p.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('\\s*');
}

/** A global regex for reference numbers written with `spec.referenceNumber` (e.g. `[{n}]`), capturing `n`. */
function referenceNumberPattern(spec: PromptSpec): RegExp {
  const [before = '', after = ''] = spec.referenceNumber.split('{n}');
  const parts = [looseLiteral(before), '(\\d+)', looseLiteral(after)].filter((p) => p !== '');
  return new RegExp(parts.join('\\s*'), 'gu');
}

/**
 * Parses `text` against the grammar. Prompt number `n` maps to `referenceIds[n - 1]`; numbers outside the prompt
 * are ignored. Output without the grammar's prefixes is taken as a bare answer with no references named.
 */
export function parseAskg(
  text: string,
  grammar: AskgSpec,
  prompt: PromptSpec,
  referenceIds: readonly string[],
): AskgResult {
  const relevantAt = new RegExp(looseLiteral(grammar.relevantPrefix), 'iu').exec(text);
  const answerAt = new RegExp(looseLiteral(grammar.answerPrefix), 'iu').exec(text);
  const selectionEnd = answerAt?.index ?? text.length;
  const selection =
    relevantAt && relevantAt.index < selectionEnd
      ? text.slice(relevantAt.index + relevantAt[0].length, selectionEnd)
      : '';
  let answer: string;
  if (answerAt) answer = text.slice(answerAt.index + answerAt[0].length);
  else answer = relevantAt ? '' : text;
  answer = answer
    .trim()
    .replace(new RegExp(`^(${looseLiteral(grammar.separator)}\\s*)+`, 'u'), '')
    .trim();

  const relevant: string[] = [];
  for (const match of selection.matchAll(referenceNumberPattern(prompt))) {
    const id = referenceIds[Number(match[1]) - 1];
    if (id !== undefined && !relevant.includes(id)) relevant.push(id);
  }
  return { answer, relevant, abstained: answer === '' };
}
