/**
 * The contract between the decoding loop and a search strategy (greedy, beams): one search per request, owning a
 * few consecutive rows of the batch. The loop hands it their logits; it answers which rows go on, with which token.
 * @module
 */

/** What one search decided for its rows after a step. */
export interface SearchStep {
  /** For each row of the next step, the row (index within this search) whose cache it continues. Empty when done. */
  readonly sourceRows: readonly number[];
  /** The token each next-step row feeds the decoder, aligned with `sourceRows`. */
  readonly nextTokens: readonly number[];
}

/** The output of one request. */
export interface DecodedSequence {
  /** Generated ids; neither the decoder start nor the EOS that ended the sequence is included. */
  readonly tokens: readonly number[];
  /** Decoder steps this sequence took (its tokens, plus the EOS step when EOS ended it). */
  readonly steps: number;
  /** Beam search only: the sum of log-probs divided by `length ** lengthPenalty`. */
  readonly score?: number;
}

/** A decoding strategy for one request. */
export interface TokenSearch {
  /** Rows this search occupies in the current step. */
  readonly rowCount: number;
  /**
   * Consumes the next-token logits of its rows (`[row_count, vocab]`, edited in place) and picks what comes next.
   * Once it returns no rows it is done and `result` is final.
   */
  advance(logits: Float32Array): SearchStep;
  result(): DecodedSequence;
}
