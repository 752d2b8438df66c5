/**
 * Retrieval metrics over ranked knowledge ids. recall@k is the fraction of a question's gold items found in its top k
 * (a two-source question with one source in the top 5 scores 0.5), averaged over the questions that have gold items;
 * MRR is the mean reciprocal rank of the first gold item in the ranked list (0 when none is in it).
 * @module
 */

/** One question's ranked retrieval and its gold items. */
export interface RankedRetrieval {
  /** Retrieved ids, best first. */
  readonly ranked: readonly string[];
  readonly gold: readonly string[];
}

/** Averages over the questions with gold items; null when there are none. */
export interface RetrievalSummary {
  readonly questions: number;
  readonly recall_at_1: number | null;
  readonly recall_at_5: number | null;
  readonly mrr: number | null;
}

/** Fraction of `gold` found in the first `k` of `ranked`. Throws for an empty gold list (recall is undefined). */
export function recallAtK(ranked: readonly string[], gold: readonly string[], k: number): number {
  if (gold.length === 0) throw new RangeError('recall needs at least one gold item');
  const top = new Set(ranked.slice(0, k));
  const unique = [...new Set(gold)];
  return unique.filter((id) => top.has(id)).length / unique.length;
}

/** 1 / rank of the first gold item in `ranked` (rank 1 is the best), 0 when no gold item is there. */
export function reciprocalRank(ranked: readonly string[], gold: readonly string[]): number {
  const goldSet = new Set(gold);
  const at = ranked.findIndex((id) => goldSet.has(id));
  return at < 0 ? 0 : 1 / (at + 1);
}

function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : values.reduce((sum, v) => sum + v, 0) / values.length;
}

/** recall@1, recall@5 and MRR averaged over the retrievals that have gold items. */
export function summariseRetrieval(retrievals: readonly RankedRetrieval[]): RetrievalSummary {
  const scored = retrievals.filter((r) => r.gold.length > 0);
  return {
    questions: scored.length,
    recall_at_1: mean(scored.map((r) => recallAtK(r.ranked, r.gold, 1))),
    recall_at_5: mean(scored.map((r) => recallAtK(r.ranked, r.gold, 5))),
    mrr: mean(scored.map((r) => reciprocalRank(r.ranked, r.gold))),
  };
}
