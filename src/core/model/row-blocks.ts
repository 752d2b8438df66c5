/**
 * Flat float32 tensors as rows of equal blocks: `[rows, …]` split into one array per row, and back.
 * @module
 */

/** `[rows, …]` row-major -> one copy of each row. */
export function splitRows(data: Float32Array, rows: number): Float32Array[] {
  const size = rows === 0 ? 0 : data.length / rows;
  return Array.from({ length: rows }, (_, r) => data.slice(r * size, (r + 1) * size));
}

/** Concatenates rows (of any lengths) into one array. */
export function concatRows(rows: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(rows.reduce((n, r) => n + r.length, 0));
  let at = 0;
  for (const r of rows) {
    out.set(r, at);
    at += r.length;
  }
  return out;
}
