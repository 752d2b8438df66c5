/**
 * The SQLite `JobStore`: one row per `(tenant, id)`, the job as JSON.
 * @module
 */
import type { IngestJob, JobStore } from '../core/ports.js';
import { parseIngestJob, readStoredIngestJob } from './ingest-job-schema.js';
import { runSqlite, type SqliteDatabase } from './sqlite-database.js';

/** Ingest job status in the embedded database; `put` replaces the whole job. */
export class SqliteJobStore implements JobStore {
  private readonly statements;

  /** Creates the `ingest_jobs` table if needed. The caller owns (and closes) the database. */
  constructor(database: SqliteDatabase) {
    this.statements = runSqlite('open job store', () => {
      database.exec(`CREATE TABLE IF NOT EXISTS ingest_jobs (
        tenant TEXT NOT NULL,
        id TEXT NOT NULL,
        job TEXT NOT NULL,
        PRIMARY KEY (tenant, id)
      )`);
      return {
        put: database.prepare<[string, string, string]>(
          'INSERT INTO ingest_jobs (tenant, id, job) VALUES (?, ?, ?) ON CONFLICT (tenant, id) DO UPDATE SET job = excluded.job',
        ),
        get: database.prepare<[string, string], { job: string }>(
          'SELECT job FROM ingest_jobs WHERE tenant = ? AND id = ?',
        ),
      };
    });
  }

  async put(job: IngestJob): Promise<void> {
    const valid = parseIngestJob(job);
    runSqlite('put job', () => this.statements.put.run(valid.tenant, valid.id, JSON.stringify(valid)));
  }

  async get(tenant: string, id: string): Promise<IngestJob | undefined> {
    const row = runSqlite('get job', () => this.statements.get.get(tenant, id));
    return row ? readStoredIngestJob(JSON.parse(row.job)) : undefined;
  }
}
