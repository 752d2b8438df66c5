/**
 * The embedded `VectorIndex`: vectors and metadata persisted in SQLite, searched exactly in memory.
 *
 * SQLite is the source of truth (one row per `(namespace, id)`, the vector as a float32 BLOB). Each namespace is loaded
 * into a `VectorMatrix` on first use and kept in step by every write; the parsed metadata of every hit is kept too, so
 * that a query reads no rows. `PRAGMA data_version` changes when another connection commits, so a second process
 * writing the same file (the ingest watcher, a CLI) invalidates both caches.
 * Why exact search and not HNSW: see `docs/adapters.md`.
 * @module
 */
import { AppError } from '../core/errors.js';
import type { VectorIndex, VectorMatch, VectorRecord } from '../core/ports.js';
import { compactMetadata, knowledgeMetadataSchema } from './knowledge-metadata-schema.js';
import { runSqlite, type SqliteDatabase } from './sqlite-database.js';
import { assertNamespace, assertRecords, assertTopK, assertVector } from './vector-index-input.js';
import { VectorMatrix } from './vector-matrix.js';

/** Options of `EmbeddedVectorIndex`. */
export interface EmbeddedVectorIndexOptions {
  /** An open database (see `openSqliteDatabase`); the index creates its tables in it. The caller closes it. */
  readonly database: SqliteDatabase;
  /** Dimension of every vector (the model's `dEmbed`). Fixed for the life of the file. */
  readonly dimensions: number;
}

interface VectorRow {
  readonly id: string;
  readonly vector: Buffer;
  readonly metadata: string;
}

/** The prepared statements, built once per index. */
function prepareStatements(db: SqliteDatabase) {
  return {
    upsert: db.prepare<[string, string, Buffer, string]>(
      `INSERT INTO vectors (namespace, id, vector, metadata) VALUES (?, ?, ?, ?)
       ON CONFLICT (namespace, id) DO UPDATE SET vector = excluded.vector, metadata = excluded.metadata`,
    ),
    selectOne: db.prepare<[string, string], VectorRow>(
      'SELECT id, vector, metadata FROM vectors WHERE namespace = ? AND id = ?',
    ),
    selectNamespace: db.prepare<[string], Omit<VectorRow, 'metadata'>>(
      'SELECT id, vector FROM vectors WHERE namespace = ?',
    ),
    deleteOne: db.prepare<[string, string]>('DELETE FROM vectors WHERE namespace = ? AND id = ?'),
  };
}

/** Maximum inner product search over SQLite-persisted vectors, one namespace per tenant. */
export class EmbeddedVectorIndex implements VectorIndex {
  private readonly db: SqliteDatabase;
  private readonly dimensions: number;
  private readonly statements: ReturnType<typeof prepareStatements>;
  private readonly matrices = new Map<string, VectorMatrix>();
  /** Parsed metadata of the records queries returned, by namespace then id. */
  private readonly metadata = new Map<string, Map<string, VectorMatch['metadata']>>();
  private dataVersion: number;

  constructor(options: EmbeddedVectorIndexOptions) {
    this.db = options.database;
    this.dimensions = options.dimensions;
    this.statements = runSqlite('open vector index', () => {
      this.createSchema();
      return prepareStatements(this.db);
    });
    this.dataVersion = this.readDataVersion();
  }

  async upsert(namespace: string, records: readonly VectorRecord[]): Promise<void> {
    assertNamespace(namespace);
    assertRecords(records, this.dimensions);
    this.refreshIfChangedElsewhere();
    runSqlite('upsert', () =>
      this.db.transaction(() => {
        for (const record of records) {
          const blob = Buffer.from(record.values.buffer, record.values.byteOffset, record.values.byteLength);
          this.statements.upsert.run(namespace, record.id, blob, JSON.stringify(compactMetadata(record.metadata)));
        }
      })(),
    );
    const matrix = this.matrices.get(namespace);
    const metadata = this.metadata.get(namespace);
    for (const record of records) {
      matrix?.set(record.id, record.values);
      metadata?.delete(record.id);
    }
  }

  async query(namespace: string, vector: Float32Array, topK: number): Promise<VectorMatch[]> {
    assertNamespace(namespace);
    assertVector(vector, this.dimensions, 'query vector');
    assertTopK(topK);
    const hits = this.loadMatrix(namespace).search(vector, topK);
    let known = this.metadata.get(namespace);
    if (known === undefined) this.metadata.set(namespace, (known = new Map()));
    return hits.flatMap((hit) => {
      let metadata = known.get(hit.id);
      if (metadata === undefined) {
        const row = runSqlite('query', () => this.statements.selectOne.get(namespace, hit.id));
        if (row === undefined) return [];
        metadata = this.parseMetadata(row.metadata, hit.id);
        known.set(hit.id, metadata);
      }
      return [{ id: hit.id, score: hit.score, metadata }];
    });
  }

  async fetch(namespace: string, ids: readonly string[]): Promise<VectorRecord[]> {
    assertNamespace(namespace);
    return runSqlite('fetch', () =>
      ids.flatMap((id) => {
        const row = this.statements.selectOne.get(namespace, id);
        return row ? [this.toRecord(row)] : [];
      }),
    );
  }

  async delete(namespace: string, ids: readonly string[]): Promise<void> {
    assertNamespace(namespace);
    this.refreshIfChangedElsewhere();
    runSqlite('delete', () =>
      this.db.transaction(() => {
        for (const id of ids) this.statements.deleteOne.run(namespace, id);
      })(),
    );
    const matrix = this.matrices.get(namespace);
    const metadata = this.metadata.get(namespace);
    for (const id of ids) {
      matrix?.remove(id);
      metadata?.delete(id);
    }
  }

  private createSchema(): void {
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS vector_index_settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS vectors (
        namespace TEXT NOT NULL,
        id TEXT NOT NULL,
        vector BLOB NOT NULL,
        metadata TEXT NOT NULL,
        PRIMARY KEY (namespace, id)
      );`);
    this.db
      .prepare("INSERT OR IGNORE INTO vector_index_settings (name, value) VALUES ('dimensions', ?)")
      .run(String(this.dimensions));
    const stored = this.db
      .prepare<[], { value: string }>("SELECT value FROM vector_index_settings WHERE name = 'dimensions'")
      .get();
    if (stored && Number(stored.value) !== this.dimensions) {
      throw new AppError(
        'bundle_mismatch',
        `the vector index file holds ${stored.value}-dimensional vectors, but the model gives ${this.dimensions}; ` +
          're-ingest into a fresh data dir',
      );
    }
  }

  private loadMatrix(namespace: string): VectorMatrix {
    this.refreshIfChangedElsewhere();
    const cached = this.matrices.get(namespace);
    if (cached) return cached;
    const rows = runSqlite('load namespace', () => this.statements.selectNamespace.all(namespace));
    const matrix = new VectorMatrix(this.dimensions, rows.length);
    for (const row of rows) matrix.set(row.id, this.toValues(row.vector));
    this.matrices.set(namespace, matrix);
    return matrix;
  }

  private refreshIfChangedElsewhere(): void {
    const version = this.readDataVersion();
    if (version !== this.dataVersion) {
      this.matrices.clear();
      this.metadata.clear();
      this.dataVersion = version;
    }
  }

  private readDataVersion(): number {
    return runSqlite('read data_version', () => this.db.pragma('data_version', { simple: true }) as number);
  }

  private toRecord(row: VectorRow): VectorRecord {
    return { id: row.id, values: this.toValues(row.vector), metadata: this.parseMetadata(row.metadata, row.id) };
  }

  /** Copies the BLOB into a fresh array: a Buffer's offset need not be 4-byte aligned for a Float32Array view. */
  private toValues(blob: Buffer): Float32Array {
    const values = new Float32Array(this.dimensions);
    new Uint8Array(values.buffer).set(blob.subarray(0, values.byteLength));
    return values;
  }

  private parseMetadata(json: string, id: string): VectorRecord['metadata'] {
    const parsed = knowledgeMetadataSchema.safeParse(JSON.parse(json));
    if (!parsed.success) {
      throw new AppError('backend_unavailable', `stored metadata of vector ${id} is corrupt: ${parsed.error.message}`);
    }
    return parsed.data;
  }
}
