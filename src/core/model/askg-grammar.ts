/**
 * Constrained decoding of ASKG's output grammar (the one `askg.ts` parses):
 *
 *     relevant: none <eos>
 *     relevant: [n₁] [n₂] …; answer: <text> <eos>      with 1 ≤ n₁ < n₂ < … ≤ the prompt's reference count
 *
 * Training writes the numbers in ascending order, each once (`build_askg_target`), but a small model sometimes
 * breaks the list: `relevant: [1] [1 the no` (a number it already named, then no way back), `[1] [1 1]` for a
 * reference the prompt does not hold, or `answer:` with nothing after it. Each parses as an abstention or drops a
 * reference. Here the grammar's literals are forced, only numbers that can follow may open a marker, and the answer
 * is non-empty and never opens with a reference marker (an answer is a fact, not a pointer). The answer text itself
 * is left to the other processors.
 * @module
 */
import { AppError } from '../errors.js';
import { keepOnly, type LogitsProcessor } from './logits-processors.js';

/** The grammar's literals as token ids of the generator's tokenizer. */
export interface AskgGrammarTokens {
  /** `relevant:` */
  readonly relevantPrefix: readonly number[];
  /** `none`, the abstention. */
  readonly none: readonly number[];
  /** `; answer:`, between the relevance list and the answer. */
  readonly answerOpening: readonly number[];
  /** Reference number n (`[n]`) at index n - 1, for every n the prompt format allows. */
  readonly referenceNumbers: readonly (readonly number[])[];
  readonly eosTokenId: number;
}

/** What may come next: only `allow`, anything but `ban`, or anything (`free`). */
type NextTokens = { readonly allow: readonly number[] } | { readonly ban: readonly number[] } | 'free';

/** Where the literal `expected` stands in `tokens` from `at`: complete, cut short (next token given) or broken. */
function matchLiteral(
  tokens: readonly number[],
  at: number,
  expected: readonly number[],
): { complete: true } | { complete: false; next: number } | undefined {
  for (let k = 0; k < expected.length; k++) {
    if (at + k === tokens.length) return { complete: false, next: expected[k]! };
    if (tokens[at + k] !== expected[k]) return undefined;
  }
  return { complete: true };
}

/**
 * Checks that no literal that may open at the same point is a prefix of another, so that a complete literal is
 * unambiguous. Throws `AppError('bundle_mismatch')` otherwise.
 */
function checkPrefixFree(literals: ReadonlyMap<string, readonly number[]>): void {
  for (const [nameA, a] of literals) {
    if (a.length === 0) throw new AppError('bundle_mismatch', `ASKG literal ${nameA} has no tokens`);
    for (const [nameB, b] of literals) {
      if (nameA !== nameB && a.length <= b.length && a.every((id, i) => b[i] === id)) {
        throw new AppError(
          'bundle_mismatch',
          `ASKG literal ${nameA} is a prefix of ${nameB}; the grammar is ambiguous`,
        );
      }
    }
  }
}

/** The grammar's literals checked once per bundle; `processor` builds one request's constraint. */
export class AskgGrammar {
  private readonly tokens: AskgGrammarTokens;

  constructor(tokens: AskgGrammarTokens) {
    const literals = new Map<string, readonly number[]>([
      ['none', tokens.none],
      ['answer opening', tokens.answerOpening],
    ]);
    tokens.referenceNumbers.forEach((ids, i) => literals.set(`reference ${i + 1}`, ids));
    checkPrefixFree(literals);
    if (tokens.relevantPrefix.length === 0) throw new AppError('bundle_mismatch', 'ASKG relevant prefix has no tokens');
    this.tokens = tokens;
  }

  /** The constraint for a prompt holding `referenceCount` references (numbers past the format's range are refused). */
  processor(referenceCount: number): LogitsProcessor {
    const count = Math.min(referenceCount, this.tokens.referenceNumbers.length);
    return (logits, row) => {
      const next = this.nextTokens(row.tokens, count);
      if (next === 'free') return;
      if ('ban' in next) {
        for (const id of next.ban) if (id < logits.length) logits[id] = Number.NEGATIVE_INFINITY;
        return;
      }
      // An earlier rule (no repeated n-grams) may have banned every way on: it wins, and the row goes off-grammar.
      if (!next.allow.some((id) => logits[id]! > Number.NEGATIVE_INFINITY)) return;
      keepOnly(logits, next.allow);
    };
  }

  /** Parses `tokens` against the grammar and says what may follow them. */
  private nextTokens(tokens: readonly number[], count: number): NextTokens {
    const { relevantPrefix, none, answerOpening, referenceNumbers, eosTokenId } = this.tokens;
    const prefix = matchLiteral(tokens, 0, relevantPrefix);
    if (prefix === undefined) return 'free';
    if (!prefix.complete) return { allow: [prefix.next] };
    let at = relevantPrefix.length;
    let named = 0; // the last reference number written
    for (;;) {
      // Reference numbers above the last one; `none` (number -1) only first, `; answer:` (0) only after a number.
      const choices: { literal: readonly number[]; number: number }[] = [];
      for (let n = named + 1; n <= count; n++) choices.push({ literal: referenceNumbers[n - 1]!, number: n });
      if (named > 0) choices.push({ literal: answerOpening, number: 0 });
      if (named === 0) choices.push({ literal: none, number: -1 });
      if (at === tokens.length) return { allow: [...new Set(choices.map((c) => c.literal[0]!))] };
      const cutShort: number[] = [];
      let completed: { literal: readonly number[]; number: number } | undefined;
      for (const choice of choices) {
        const match = matchLiteral(tokens, at, choice.literal);
        if (match?.complete === true) completed = choice;
        else if (match !== undefined) cutShort.push(match.next);
      }
      if (completed === undefined) return cutShort.length > 0 ? { allow: [...new Set(cutShort)] } : 'free';
      at += completed.literal.length;
      if (completed.number === -1) return at === tokens.length ? { allow: [eosTokenId] } : 'free';
      if (completed.number === 0) break;
      named = completed.number;
    }
    // The answer: never empty, never a reference marker; after its first token it is free.
    return at === tokens.length ? { ban: [eosTokenId, referenceNumbers[0]![0]!] } : 'free';
  }
}
