import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteApiKeyStore } from '../../../src/adapters/api-key-store-sqlite.js';
import { SqliteJobStore } from '../../../src/adapters/job-store-sqlite.js';
import { openSqliteDatabase, type SqliteDatabase } from '../../../src/adapters/sqlite-database.js';
import { SqliteUsageMeter } from '../../../src/adapters/usage-meter-sqlite.js';
import { describeApiKeyStoreContract } from '../../support/contracts/api-key-store-contract.js';
import { describeJobStoreContract } from '../../support/contracts/job-store-contract.js';
import { describeUsageMeterContract } from '../../support/contracts/usage-meter-contract.js';
import { freshNamespace, ingestJob, keyHashOf, usageRecord } from '../../support/port-factories.js';

const dataDir = mkdtempSync(join(tmpdir(), 'sqlite-stores-'));
const file = join(dataDir, 'state.db');
let database: SqliteDatabase;
let stores: { jobs: SqliteJobStore; usage: SqliteUsageMeter; keys: SqliteApiKeyStore };

beforeAll(() => {
  database = openSqliteDatabase(file);
  stores = {
    jobs: new SqliteJobStore(database),
    usage: new SqliteUsageMeter(database),
    keys: new SqliteApiKeyStore(database),
  };
});

afterAll(() => {
  database.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describeJobStoreContract('SQLite', () => stores.jobs);
describeUsageMeterContract('SQLite', () => stores.usage);
describeApiKeyStoreContract('SQLite', () => stores.keys);

describe('SQLite stores in one database file', () => {
  it('keeps jobs, usage and keys after the file is closed and reopened', async () => {
    const path = join(dataDir, 'restart', 'state.db');
    const tenant = freshNamespace();
    const job = ingestJob({ tenant, state: 'done', counts: { ingested: 3, skipped: 0, rejected: 0 } });
    const first = openSqliteDatabase(path);
    await new SqliteJobStore(first).put(job);
    await new SqliteUsageMeter(first).record(usageRecord({ tenant }), new Date('2026-11-26T09:00:00Z'));
    await new SqliteApiKeyStore(first).put(keyHashOf('dev-key'), tenant);
    first.close();

    const second = openSqliteDatabase(path);
    expect(await new SqliteJobStore(second).get(tenant, job.id)).toEqual(job);
    expect(await new SqliteUsageMeter(second).totals(tenant, '2026-11-26', '2026-11-26')).toHaveLength(1);
    expect(await new SqliteApiKeyStore(second).tenantOf(keyHashOf('dev-key'))).toBe(tenant);
    second.close();
  });

  it('sums increments made through two connections to the same file', async () => {
    const tenant = freshNamespace();
    const other = openSqliteDatabase(file);
    const [meterA, meterB] = [stores.usage, new SqliteUsageMeter(other)];
    const at = new Date('2026-11-26T10:00:00Z');
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        (i % 2 === 0 ? meterA : meterB).record(usageRecord({ tenant, promptTokens: 1 }), at),
      ),
    );
    other.close();
    expect(await meterA.totals(tenant, '2026-11-26', '2026-11-26')).toMatchObject([{ requests: 40, promptTokens: 40 }]);
  });

  it('reports a closed database as backend_unavailable', async () => {
    const closed = openSqliteDatabase(join(dataDir, 'closed', 'state.db'));
    const jobs = new SqliteJobStore(closed);
    closed.close();
    await expect(jobs.get('tenant', 'job')).rejects.toMatchObject({ code: 'backend_unavailable' });
  });
});
