/**
 * The decorators that take work off the answer path keep the port contracts, over the real embedded backends.
 * @module
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { SqliteApiKeyStore } from '../../../src/adapters/api-key-store-sqlite.js';
import { FsBlobStore } from '../../../src/adapters/blob-store-fs.js';
import { CachedApiKeyStore } from '../../../src/adapters/cached-api-key-store.js';
import { CachedBlobStore } from '../../../src/adapters/cached-blob-store.js';
import { openSqliteDatabase, type SqliteDatabase } from '../../../src/adapters/sqlite-database.js';
import { SqliteUsageMeter } from '../../../src/adapters/usage-meter-sqlite.js';
import { WriteBehindUsageMeter } from '../../../src/adapters/write-behind-usage-meter.js';
import { describeApiKeyStoreContract } from '../../support/contracts/api-key-store-contract.js';
import { describeBlobStoreContract } from '../../support/contracts/blob-store-contract.js';
import { describeUsageMeterContract } from '../../support/contracts/usage-meter-contract.js';

const sandbox = mkdtempSync(join(tmpdir(), 'decorated-stores-'));
let database: SqliteDatabase;
let usage: WriteBehindUsageMeter;
let apiKeys: CachedApiKeyStore;
// Every key cacheable, and room for the contract's 1.5 MB blob, so that the contract runs through the cache.
const blobs = new CachedBlobStore(new FsBlobStore({ rootDir: join(sandbox, 'blobs') }), {
  maxBytes: 4_000_000,
  isCacheable: () => true,
});

beforeAll(() => {
  database = openSqliteDatabase(join(sandbox, 'state.db'));
  usage = new WriteBehindUsageMeter(new SqliteUsageMeter(database), {
    flushAfterMs: 1_000,
    onFlushError: (error) => {
      throw error;
    },
  });
  apiKeys = new CachedApiKeyStore(new SqliteApiKeyStore(database), { ttlMs: 60_000, maxEntries: 100 });
});

afterAll(async () => {
  await usage.close();
  database.close();
  rmSync(sandbox, { recursive: true, force: true });
});

describeBlobStoreContract('filesystem behind CachedBlobStore', () => blobs);
describeUsageMeterContract('SQLite behind WriteBehindUsageMeter', () => usage);
describeApiKeyStoreContract('SQLite behind CachedApiKeyStore', () => apiKeys);
