/**
 * Logits processors: small pure functions over one row's next-token logits, applied in order before a token is
 * chosen (style.md §5; mirrored by `training/ra_blip/decoding.py`). They edit the row in place, so the loop allocates nothing per step.
 * @module
 */

/** What a processor may read about the row it edits. */
export interface RowContext {
  /** Tokens generated before this step in this row (the decoder start token excluded). */
  readonly generated: number;
  /** The row's tokens so far (the decoder start token excluded). */
  readonly tokens: readonly number[];
}

/** Edits `logits` (`[vocab]`, one row) in place. */
export type LogitsProcessor = (logits: Float32Array, row: RowContext) => void;

/** Masks EOS until `minNewTokens` tokens exist, so that a sequence cannot end earlier. */
export function minNewTokensProcessor(minNewTokens: number, eosTokenId: number): LogitsProcessor {
  return function maskEarlyEos(logits, row) {
    if (row.generated < minNewTokens) logits[eosTokenId] = Number.NEGATIVE_INFINITY;
  };
}

/**
 * Bans every token that would complete an n-gram of `size` tokens already in the row (Hugging Face's
 * `NoRepeatNGramLogitsProcessor`, same semantics: the row's own tokens only, the decoder start token excluded).
 */
export function noRepeatNgramProcessor(size: number): LogitsProcessor {
  return function banRepeatedNgrams(logits, row) {
    const { tokens } = row;
    if (tokens.length < size) return;
    const prefixStart = tokens.length - size + 1;
    for (let start = 0; start + size <= tokens.length; start++) {
      let matches = true;
      for (let k = 0; k < size - 1 && matches; k++) matches = tokens[start + k] === tokens[prefixStart + k];
      if (matches) logits[tokens[start + size - 1]!] = Number.NEGATIVE_INFINITY;
    }
  };
}

/**
 * Adds `bias` to `tokenId`'s logit at the one step where the row's tokens are exactly `prefix`: ASKG decides there
 * whether to abstain (`relevant: none`) or to name references, so this moves the abstention threshold.
 */
export function biasAfterPrefixProcessor(prefix: readonly number[], tokenId: number, bias: number): LogitsProcessor {
  return function biasTokenAfterPrefix(logits, row) {
    const { tokens } = row;
    if (tokens.length !== prefix.length) return;
    for (let i = 0; i < prefix.length; i++) if (tokens[i] !== prefix[i]) return;
    logits[tokenId] = logits[tokenId]! + bias;
  };
}

/** Masks every logit but `ids`' (a fill and a few writes, not a set lookup per vocabulary entry). */
export function keepOnly(logits: Float32Array, ids: readonly number[]): void {
  const kept = ids.map((id) => logits[id]!);
  logits.fill(Number.NEGATIVE_INFINITY);
  ids.forEach((id, i) => (logits[id] = kept[i]!));
}

/** Applies `processors` to one row, in order. */
export function applyLogitsProcessors(
  processors: readonly LogitsProcessor[],
  logits: Float32Array,
  row: RowContext,
): void {
  for (const process of processors) process(logits, row);
}
