/**
 * The decoding loop (style.md rule 8): owns the KV cache, runs one search per request, and talks to the model only
 * through a `DecoderStep`. Requests decode together, one decoder call per step for all their rows; a request that
 * finishes leaves the batch, and beam search reorders the cache rows it continues from.
 * @module
 */
import { BeamSearch } from './beam-search.js';
import type { GenerationConfig } from './generation-config.js';
import { GreedySearch } from './greedy-search.js';
import { KvCache } from './kv-cache.js';
import type { CacheDims, EncoderState } from './kv-cache.js';
import { minNewTokensProcessor, noRepeatNgramProcessor } from './logits-processors.js';
import type { LogitsProcessor } from './logits-processors.js';
import { eosStop, maxNewTokensStop } from './stop-conditions.js';
import type { DecodedSequence, TokenSearch } from './token-search.js';

/** What one decoder call returns. */
export interface DecoderStepResult {
  /** Next-token logits, `[rows, vocab]`. */
  readonly logits: Float32Array;
  /** `present_{l}_k/v` interleaved, each `[rows, n_heads, past + 1, d_head]`. */
  readonly present: readonly Float32Array[];
}

/**
 * One decoder call: `tokens` (`[rows]`, the last token of each row) against the cache's past, cross K/V and encoder
 * mask. It computes only; it must not change the cache.
 */
export type DecoderStep = (tokens: BigInt64Array, cache: KvCache) => Promise<DecoderStepResult>;

/** The search a configuration asks for, with its processors (then `extra`, per request) and stop conditions. */
export function createSearch(config: GenerationConfig, extra: readonly LogitsProcessor[] = []): TokenSearch {
  const processors: LogitsProcessor[] = [];
  if (config.minNewTokens > 0) processors.push(minNewTokensProcessor(config.minNewTokens, config.eosTokenId));
  if (config.noRepeatNgramSize > 0) processors.push(noRepeatNgramProcessor(config.noRepeatNgramSize));
  processors.push(...extra);
  if (config.numBeams === 1) {
    const stops = [eosStop(config.eosTokenId), maxNewTokensStop(config.maxNewTokens)];
    return new GreedySearch(processors, stops, config.eosTokenId);
  }
  return new BeamSearch(config, processors);
}

/**
 * Decodes every encoder row (one per request) with its own configuration, in shared decoder calls.
 * `processors[i]`, when given, are request i's own processors (they may read its prompt). Returns one sequence per
 * request, in order.
 */
export async function generateSequences(
  step: DecoderStep,
  dims: CacheDims,
  encoder: EncoderState,
  configs: readonly GenerationConfig[],
  processors: readonly (readonly LogitsProcessor[])[] = [],
): Promise<DecodedSequence[]> {
  if (configs.length !== encoder.rows) throw new Error(`${configs.length} configs for ${encoder.rows} encoder rows`);
  const searches = configs.map((config, i) => createSearch(config, processors[i]));
  const cache = new KvCache(
    dims,
    encoder,
    searches.map((s) => s.rowCount),
  );
  let active = searches.map((_, i) => i);
  let tokens = BigInt64Array.from(
    configs.flatMap((c, i) => Array.from({ length: searches[i]!.rowCount }, () => BigInt(c.decoderStartTokenId))),
  );
  while (active.length > 0) {
    const { logits, present } = await step(tokens, cache);
    cache.append(present);
    const vocab = logits.length / cache.rows;
    const keep: number[] = [];
    const next: number[] = [];
    const stillActive: number[] = [];
    let offset = 0;
    let isRowSetChanged = false;
    for (const index of active) {
      const search = searches[index]!;
      const rows = search.rowCount;
      const decided = search.advance(logits.subarray(offset * vocab, (offset + rows) * vocab));
      for (const row of decided.sourceRows) keep.push(offset + row);
      next.push(...decided.nextTokens);
      if (decided.sourceRows.length > 0) stillActive.push(index);
      if (decided.sourceRows.length !== rows) isRowSetChanged = true;
      offset += rows;
    }
    active = stillActive;
    if (active.length === 0) break;
    if (isRowSetChanged) cache.keepRows(keep);
    else cache.reorder(keep);
    tokens = BigInt64Array.from(next, (t) => BigInt(t));
  }
  return searches.map((s) => s.result());
}
