/**
 * Padded batches of token ids and of image query rows, as the graphs take them.
 * @module
 */

/** Token ids of several rows, right-padded: `ids` and `mask` are `[batch, seq]` int64. */
export interface TokenBatch {
  readonly ids: BigInt64Array;
  readonly mask: BigInt64Array;
  readonly batch: number;
  readonly seq: number;
}

/** Right-pads `rows` with `padId` to the longest row; the mask is 1 on real tokens. Each row needs one token. */
export function packTokenBatch(rows: readonly (readonly number[])[], padId: number): TokenBatch {
  if (rows.some((r) => r.length === 0)) throw new Error('every row needs at least one token');
  const seq = Math.max(...rows.map((r) => r.length));
  const ids = new BigInt64Array(rows.length * seq).fill(BigInt(padId));
  const mask = new BigInt64Array(rows.length * seq);
  rows.forEach((row, b) => {
    row.forEach((id, t) => {
      ids[b * seq + t] = BigInt(id);
      mask[b * seq + t] = 1n;
    });
  });
  return { ids, mask, batch: rows.length, seq };
}

/** Image query rows of several requests: `data` is `[batch, n_image_tok, d_qformer]`, zero-padded. */
export interface ImageQueryBatch {
  readonly data: Float32Array;
  readonly nImageTok: number;
}

/**
 * Zero-pads each request's image query rows (`[n_rows, d_qformer]`: the query outputs of its image slots,
 * concatenated in slot order) to one batch. `n_image_tok >= 1`: a batch without images gets one zero row, as
 * `gen_encoder` requires.
 */
/** Retrieval scores `[batch, n_ref]` of each row's references, in prompt order; 0 past a row's references (never
 * read: the generator gathers only the slots its prompt numbers). `n_ref >= 1`. */
export interface ReferenceScoreBatch {
  readonly data: Float32Array;
  readonly nRef: number;
}

/** Packs each row's reference scores into one `[batch, n_ref]` batch (see {@link ReferenceScoreBatch}). */
export function packReferenceScores(perRequest: readonly (readonly number[])[]): ReferenceScoreBatch {
  const nRef = Math.max(1, ...perRequest.map((scores) => scores.length));
  const data = new Float32Array(perRequest.length * nRef);
  perRequest.forEach((scores, b) => data.set(scores, b * nRef));
  return { data, nRef };
}

export function packImageQueries(perRequest: readonly Float32Array[], dQformer: number): ImageQueryBatch {
  if (perRequest.some((rows) => rows.length % dQformer !== 0)) throw new Error('image queries must be [n, d_qformer]');
  const nImageTok = Math.max(1, ...perRequest.map((rows) => rows.length / dQformer));
  const stride = nImageTok * dQformer;
  const data = new Float32Array(perRequest.length * stride);
  perRequest.forEach((rows, b) => data.set(rows, b * stride));
  return { data, nImageTok };
}
