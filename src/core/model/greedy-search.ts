/**
 * Greedy search: one row, the arg-max token at every step (the lowest index on ties, as `torch.argmax`).
 * Mirrors `greedy_search` of `training/ra_blip/decoding.py`: EOS ends the row and is not part of its ids.
 * @module
 */
import { applyLogitsProcessors } from './logits-processors.js';
import type { LogitsProcessor } from './logits-processors.js';
import { isStopped } from './stop-conditions.js';
import type { StopCondition } from './stop-conditions.js';
import type { DecodedSequence, SearchStep, TokenSearch } from './token-search.js';

/** Index of the largest value (the first one on ties). */
export function argmax(values: Float32Array): number {
  let best = 0;
  let bestValue = values[0]!;
  for (let i = 1; i < values.length; i++) {
    const v = values[i]!;
    if (v > bestValue) {
      bestValue = v;
      best = i;
    }
  }
  return best;
}

/** Greedy decoding of one request. */
export class GreedySearch implements TokenSearch {
  private readonly processors: readonly LogitsProcessor[];
  private readonly stops: readonly StopCondition[];
  private readonly tokens: number[] = [];
  private readonly eosTokenId: number;
  private generated = 0;
  private isDone = false;

  /** `eosTokenId` is left out of the output; `stops` decide when the row ends. */
  constructor(processors: readonly LogitsProcessor[], stops: readonly StopCondition[], eosTokenId: number) {
    this.processors = processors;
    this.stops = stops;
    this.eosTokenId = eosTokenId;
  }

  get rowCount(): number {
    return this.isDone ? 0 : 1;
  }

  advance(logits: Float32Array): SearchStep {
    applyLogitsProcessors(this.processors, logits, { generated: this.generated, tokens: this.tokens });
    const token = argmax(logits);
    this.generated += 1;
    const isLast = isStopped(this.stops, token, this.generated);
    if (token !== this.eosTokenId) this.tokens.push(token);
    if (isLast) {
      this.isDone = true;
      return { sourceRows: [], nextTokens: [] };
    }
    return { sourceRows: [0], nextTokens: [token] };
  }

  result(): DecodedSequence {
    return { tokens: this.tokens, steps: this.generated };
  }
}
