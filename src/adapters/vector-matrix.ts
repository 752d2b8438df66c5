/**
 * One namespace's vectors held in memory as a dense row-major matrix, searched exactly with usearch's SIMD kernel.
 * @module
 */
import { exactSearch, MetricKind } from 'usearch';

/** One hit of `VectorMatrix.search`. */
export interface MatrixHit {
  readonly id: string;
  /** Inner product with the query, recomputed in float64 over the float32 rows. */
  readonly score: number;
}

/**
 * A growable `[n, dim]` float32 matrix with an id per row. Removal swaps the last row in, so rows stay dense and
 * a search scans exactly `n * dim` floats.
 */
export class VectorMatrix {
  readonly dimensions: number;
  private rows: Float32Array;
  private readonly ids: string[] = [];
  private readonly rowOf = new Map<string, number>();

  constructor(dimensions: number, initialCapacity = 64) {
    this.dimensions = dimensions;
    this.rows = new Float32Array(Math.max(1, initialCapacity) * dimensions);
  }

  get size(): number {
    return this.ids.length;
  }

  /** Inserts a row, or overwrites the row that already has this id. */
  set(id: string, values: Float32Array): void {
    const existing = this.rowOf.get(id);
    if (existing !== undefined) {
      this.rows.set(values, existing * this.dimensions);
      return;
    }
    if ((this.ids.length + 1) * this.dimensions > this.rows.length) {
      const grown = new Float32Array(this.rows.length * 2);
      grown.set(this.rows);
      this.rows = grown;
    }
    this.rows.set(values, this.ids.length * this.dimensions);
    this.rowOf.set(id, this.ids.length);
    this.ids.push(id);
  }

  /** Removes a row if present. */
  remove(id: string): void {
    const row = this.rowOf.get(id);
    if (row === undefined) return;
    const last = this.ids.length - 1;
    const lastId = this.ids[last] as string;
    if (row !== last) {
      this.rows.copyWithin(row * this.dimensions, last * this.dimensions, (last + 1) * this.dimensions);
      this.ids[row] = lastId;
      this.rowOf.set(lastId, row);
    }
    this.ids.pop();
    this.rowOf.delete(id);
  }

  /** The `topK` rows with the largest inner product, best first; ties break by id for a stable order. */
  search(query: Float32Array, topK: number): MatrixHit[] {
    const count = Math.min(topK, this.ids.length);
    if (count === 0) return [];
    const dataset = this.rows.subarray(0, this.ids.length * this.dimensions);
    // One thread: the API serves many small queries at once, and the machine is shared.
    const { keys } = exactSearch(dataset, query, this.dimensions, count, MetricKind.IP, 1);
    const hits = Array.from(keys, (key) => {
      const row = Number(key);
      return { id: this.ids[row] as string, score: this.dot(row, query) };
    });
    return hits.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  private dot(row: number, query: Float32Array): number {
    const offset = row * this.dimensions;
    let sum = 0;
    for (let j = 0; j < this.dimensions; j++) sum += (this.rows[offset + j] as number) * (query[j] as number);
    return sum;
  }
}
