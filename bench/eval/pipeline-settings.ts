/**
 * The fixed settings of the pipeline under evaluation (reported in the result's `settings`).
 * @module
 */

/** Items retrieved per question (recall@5 and MRR@10 read them). */
export const TOP_K = 10;
/** Retrieved references handed to the generator. */
export const REFERENCES = 4;
/** Decoding budget, the service's default (`RABLIP_MAX_NEW_TOKENS`); greedy decoding. */
export const MAX_NEW_TOKENS = 32;
/** Requests per `generate` call (one decoding loop). */
export const BATCH_SIZE = 16;
