/**
 * Stop conditions: each answers, for one row, whether the token just chosen ends its sequence (style.md §5;
 * `training/ra_blip/decoding.py` has the same list). A row stops when any condition does, so every row of a batch
 * finishes on its own.
 * @module
 */

/** True when choosing `token` as the `generated`-th token (1-based, `token` counted) ends the row. */
export type StopCondition = (token: number, generated: number) => boolean;

/** Stops on EOS (which is not kept in the output). */
export function eosStop(eosTokenId: number): StopCondition {
  return function isEos(token) {
    return token === eosTokenId;
  };
}

/** Stops once `maxNewTokens` tokens have been generated. */
export function maxNewTokensStop(maxNewTokens: number): StopCondition {
  return function reachedMaxLength(_token, generated) {
    return generated >= maxNewTokens;
  };
}

/** True when any condition stops the row. */
export function isStopped(conditions: readonly StopCondition[], token: number, generated: number): boolean {
  return conditions.some((stop) => stop(token, generated));
}
