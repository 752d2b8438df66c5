/**
 * A scripted decoder for the loop tests. It keeps each row's token history in the KV cache it returns (one layer,
 * one head, one value per position) and the request index in the cross K/V, and reads both back at every step, so a
 * wrong cache reorder or a row mixed up between requests changes what it answers.
 */
import type { DecoderStep, EncoderState, GenerationConfig } from '../../../src/core/model/index.js';

export const VOCAB = 8;
export const EOS = 7;
export const START = 0;

/** Log-probability table for the next token of request `request` after `history`; missing tokens get -20. */
export type Script = (request: number, history: readonly number[]) => Partial<Record<number, number>>;

/** What the fake saw, for assertions on batching. */
export interface StepLog {
  /** Rows of each decoder call. */
  readonly rows: number[];
}

/** Cache dims of the fake: one layer, one head, one value. */
export const FAKE_DIMS = { nLayers: 1, nHeads: 1, dHead: 1 };

/** Encoder output for `requests` rows: cross K holds the request index. */
export function fakeEncoder(requests: number): EncoderState {
  const cross = Float32Array.from({ length: requests }, (_, i) => i);
  return {
    cross: [cross, cross],
    encoderMask: new BigInt64Array(requests).fill(1n),
    promptIds: BigInt64Array.from({ length: requests }, (_, i) => BigInt(i)),
    rows: requests,
    encSeq: 1,
  };
}

/** A `DecoderStep` driven by `script`. */
export function scriptedStep(script: Script, log: StepLog = { rows: [] }): DecoderStep {
  return async (tokens, cache) => {
    const rows = cache.rows;
    log.rows.push(rows);
    const past = cache.pastLength;
    const present = new Float32Array(rows * (past + 1));
    const logits = new Float32Array(rows * VOCAB).fill(-20);
    for (let r = 0; r < rows; r++) {
      const history = Array.from(cache.past[0]!.subarray(r * past, (r + 1) * past));
      present.set(history, r * (past + 1));
      present[r * (past + 1) + past] = Number(tokens[r]);
      // history[0] is the decoder start token; the script sees generated tokens only.
      const seen = [...history, Number(tokens[r])].slice(1);
      const table = script(cache.cross[0]![r]!, seen);
      for (const [token, logProb] of Object.entries(table)) logits[r * VOCAB + Number(token)] = logProb!;
    }
    return { logits, present: [present, present.slice()] };
  };
}

/** A generation config for the fake vocabulary. */
export function fakeConfig(overrides: Partial<GenerationConfig> = {}): GenerationConfig {
  return {
    maxNewTokens: 10,
    minNewTokens: 0,
    numBeams: 1,
    lengthPenalty: 1,
    eosTokenId: EOS,
    decoderStartTokenId: START,
    wholeWords: false,
    noRepeatNgramSize: 0,
    answerGrammar: false,
    ...overrides,
  };
}
