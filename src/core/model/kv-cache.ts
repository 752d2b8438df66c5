/**
 * The decoder's key/value cache, as plain typed arrays so the loop can be tested without ONNX Runtime.
 * Self-attention K/V grow by one position per step (`past_{l}_k/v` in, `present_{l}_k/v` out); cross-attention K/V
 * come from `gen_encoder` once per request and never change. Rows are batch rows times beams.
 * @module
 */

/** Layer and head sizes of the decoder. */
export interface CacheDims {
  readonly nLayers: number;
  readonly nHeads: number;
  readonly dHead: number;
}

/** What `gen_encoder` hands the decoder, one row per request. */
export interface EncoderState {
  /** `cross_{l}_k`, `cross_{l}_v` interleaved (k0, v0, k1, v1, …), each `[rows, n_heads, enc_seq, d_head]`. */
  readonly cross: readonly Float32Array[];
  /** `[rows, enc_seq]`, 1 for real positions, 0 for padding. */
  readonly encoderMask: BigInt64Array;
  /** `[rows, enc_seq]`: the prompt ids, which a copy-head decoder (`prompt_ids` input) scatters its copy onto. */
  readonly promptIds: BigInt64Array;
  readonly rows: number;
  readonly encSeq: number;
}

function isIdentity(rows: readonly number[], count: number): boolean {
  return rows.length === count && rows.every((r, i) => r === i);
}

function gatherRows(src: Float32Array, rowSize: number, rows: readonly number[]): Float32Array;
function gatherRows(src: BigInt64Array, rowSize: number, rows: readonly number[]): BigInt64Array;
/** Rows `rows` of `src` (`[n, rowSize]`), in that order, copied into a new array. */
function gatherRows(
  src: Float32Array | BigInt64Array,
  rowSize: number,
  rows: readonly number[],
): Float32Array | BigInt64Array {
  if (src instanceof BigInt64Array) {
    const out = new BigInt64Array(rows.length * rowSize);
    rows.forEach((from, to) => out.set(src.subarray(from * rowSize, (from + 1) * rowSize), to * rowSize));
    return out;
  }
  const out = new Float32Array(rows.length * rowSize);
  rows.forEach((from, to) => out.set(src.subarray(from * rowSize, (from + 1) * rowSize), to * rowSize));
  return out;
}

/** Self and cross K/V of every row being decoded. */
export class KvCache {
  readonly dims: CacheDims;
  /** Rows now in the cache. */
  rows: number;
  /** Positions already in the self-attention cache. */
  pastLength = 0;
  readonly encSeq: number;
  /** `past_{l}_k/v` interleaved, each `[rows, n_heads, past, d_head]`. */
  past: Float32Array[];
  /** `cross_{l}_k/v` interleaved, each `[rows, n_heads, enc_seq, d_head]`. */
  cross: Float32Array[];
  /** `[rows, enc_seq]`. */
  encoderMask: BigInt64Array;
  /** `[rows, enc_seq]`. */
  promptIds: BigInt64Array;

  /** An empty self cache over `encoder`, with each encoder row repeated `rowsPerRequest[i]` times (beams). */
  constructor(dims: CacheDims, encoder: EncoderState, rowsPerRequest: readonly number[]) {
    if (encoder.cross.length !== 2 * dims.nLayers) {
      throw new Error(`expected ${2 * dims.nLayers} cross tensors, got ${encoder.cross.length}`);
    }
    if (rowsPerRequest.length !== encoder.rows) throw new Error('one row count per encoder row is needed');
    this.dims = dims;
    this.encSeq = encoder.encSeq;
    const rows = rowsPerRequest.flatMap((count, row) => Array.from({ length: count }, () => row));
    const crossRowSize = dims.nHeads * encoder.encSeq * dims.dHead;
    const repeat = !isIdentity(rows, encoder.rows);
    this.cross = encoder.cross.map((c) => (repeat ? gatherRows(c, crossRowSize, rows) : c));
    this.encoderMask = repeat ? gatherRows(encoder.encoderMask, encoder.encSeq, rows) : encoder.encoderMask;
    this.promptIds = repeat ? gatherRows(encoder.promptIds, encoder.encSeq, rows) : encoder.promptIds;
    this.rows = rows.length;
    this.past = Array.from({ length: 2 * dims.nLayers }, () => new Float32Array(0));
  }

  /** Elements of one row of a self-cache tensor at the current past length. */
  private get pastRowSize(): number {
    return this.dims.nHeads * this.pastLength * this.dims.dHead;
  }

  /** Adopts the decoder's `present_{l}_k/v` (interleaved, `[rows, n_heads, past + 1, d_head]`) as the new past. */
  append(present: readonly Float32Array[]): void {
    const expected = this.rows * this.dims.nHeads * (this.pastLength + 1) * this.dims.dHead;
    if (present.length !== this.past.length || present.some((p) => p.length !== expected)) {
      throw new Error(`present K/V must be ${this.past.length} tensors of ${expected} values`);
    }
    this.past = [...present];
    this.pastLength += 1;
  }

  /**
   * Row `i` of the self cache becomes old row `rows[i]` (beam reordering). The source row must decode the same
   * request, so cross K/V, the mask and the prompt ids stay as they are.
   */
  reorder(rows: readonly number[]): void {
    if (rows.length !== this.rows) throw new Error('reorder keeps the row count; use keepRows to drop rows');
    if (isIdentity(rows, this.rows)) return;
    const size = this.pastRowSize;
    this.past = this.past.map((p) => gatherRows(p, size, rows));
  }

  /** Keeps only `rows` (in this order) of everything: finished requests leave the batch. */
  keepRows(rows: readonly number[]): void {
    if (isIdentity(rows, this.rows)) return;
    const size = this.pastRowSize;
    const crossSize = this.dims.nHeads * this.encSeq * this.dims.dHead;
    this.past = this.past.map((p) => gatherRows(p, size, rows));
    this.cross = this.cross.map((c) => gatherRows(c, crossSize, rows));
    this.encoderMask = gatherRows(this.encoderMask, this.encSeq, rows);
    this.promptIds = gatherRows(this.promptIds, this.encSeq, rows);
    this.rows = rows.length;
  }
}
