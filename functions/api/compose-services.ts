/**
 * Builds the ports from the configuration for the local entry and tools: every backend, embedded or remote, in any
 * combination (design §4). The Lambda entries use `composeCloudServices` instead, which never loads a native module.
 * @module
 */
import { join } from 'node:path';
import type { Config } from '../../src/core/config.js';
import type { BlobStore, ModelClient, VectorIndex } from '../../src/core/ports.js';
import { SqliteApiKeyStore } from '../../src/adapters/api-key-store-sqlite.js';
import { CachedApiKeyStore } from '../../src/adapters/cached-api-key-store.js';
import { FsBlobStore } from '../../src/adapters/blob-store-fs.js';
import { SqliteJobStore } from '../../src/adapters/job-store-sqlite.js';
import { loadInProcessModelClient } from '../../src/adapters/model-in-process.js';
import { openSqliteDatabase, type SqliteDatabase } from '../../src/adapters/sqlite-database.js';
import { SqliteUsageMeter } from '../../src/adapters/usage-meter-sqlite.js';
import { EmbeddedVectorIndex } from '../../src/adapters/vector-index-embedded.js';
import { WriteBehindUsageMeter } from '../../src/adapters/write-behind-usage-meter.js';
import { cacheFeatureBlobs } from './cache-feature-blobs.js';
import type { ComposedServices } from './composed-services.js';
import { createLogger } from './create-logger.js';
import { deferVectorIndex } from './deferred-vector-index.js';
import {
  createDynamoDbStores,
  createPineconeIndex,
  createRemoteModel,
  createS3BlobStore,
  knowledgeBucketSource,
  type StateStores,
} from './remote-backends.js';

/** The file of the embedded index and the SQLite stores, under the data dir. */
export const SQLITE_FILE = 'rablip.sqlite';
/** How long a request's usage may wait in memory before it is written (see `WriteBehindUsageMeter`). */
const USAGE_FLUSH_AFTER_MS = 1_000;
/** How long a known API key is trusted without reading the key table (see `CachedApiKeyStore`). */
const API_KEY_TTL_MS = 60_000;
const API_KEY_CACHE_ENTRIES = 10_000;

/** The SQLite file under the data dir, opened on first use and shared by the embedded index and the SQLite stores. */
interface LocalDatabase {
  open(): SqliteDatabase;
  close(): void;
}

function localDatabase(config: Config): LocalDatabase {
  let database: SqliteDatabase | undefined;
  return {
    open: () => (database ??= openSqliteDatabase(join(config.local.dataDir, SQLITE_FILE))),
    close: () => database?.close(),
  };
}

/**
 * Batching of the in-process model. Under load, batches form while the model thread is busy with the previous one,
 * so a call that finds it idle runs at once rather than waiting for company (which only adds latency when few
 * requests come). The model container waits 2 ms instead: it serves many API instances whose calls arrive apart.
 * A 2 ms window here evened out the batch sizes but measured no throughput gain (`docs/status.md`, Serving).
 */
const IN_PROCESS_BATCHING = { maxBatch: 16, windowMs: 0 } as const;

async function createModel(config: Config): Promise<{ model: ModelClient; close: () => Promise<void> }> {
  if (config.model.backend !== 'in-process') return { model: createRemoteModel(config), close: async () => {} };
  const client = await loadInProcessModelClient(config.model.bundleDir, {
    maxInputPixels: config.limits.image.maxPixels,
    batching: IN_PROCESS_BATCHING,
  });
  return { model: client, close: () => client.close() };
}

async function createIndex(config: Config, dimensions: number, sqlite: LocalDatabase): Promise<VectorIndex> {
  if (config.index.backend === 'embedded') return new EmbeddedVectorIndex({ database: sqlite.open(), dimensions });
  return createPineconeIndex(config, dimensions);
}

function createStores(config: Config, sqlite: LocalDatabase): StateStores {
  if (config.state.backend === 'dynamodb') return createDynamoDbStores(config);
  const database = sqlite.open();
  return {
    jobs: new SqliteJobStore(database),
    usage: new SqliteUsageMeter(database),
    apiKeys: new SqliteApiKeyStore(database),
  };
}

function createBlobs(config: Config): BlobStore {
  const blobs =
    config.blobs.backend === 'fs'
      ? new FsBlobStore({ rootDir: join(config.local.dataDir, 'blobs') })
      : createS3BlobStore(config.blobs.bucket ?? '');
  return cacheFeatureBlobs(blobs, config);
}

/**
 * The state stores off the request path, where this long-lived process allows it: known API keys from memory, and
 * metering written behind (this process closes its services on a graceful stop, which writes what is pending).
 */
function offRequestPath(stores: StateStores, config: Config): StateStores & { usage: WriteBehindUsageMeter } {
  const logger = createLogger('rablip-usage', config.logLevel);
  return {
    jobs: stores.jobs,
    usage: new WriteBehindUsageMeter(stores.usage, {
      flushAfterMs: USAGE_FLUSH_AFTER_MS,
      onFlushError: (error) => logger.error('usage flush failed; retrying', { error: error as Error }),
    }),
    apiKeys: new CachedApiKeyStore(stores.apiKeys, { ttlMs: API_KEY_TTL_MS, maxEntries: API_KEY_CACHE_ENTRIES }),
  };
}

/**
 * Builds every port the configuration names. The index, which needs the model's `dEmbed`, is built on first use
 * (see `deferVectorIndex`).
 */
export async function composeServices(config: Config): Promise<ComposedServices> {
  const { model, close: closeModel } = await createModel(config);
  const sqlite = localDatabase(config);
  const knowledgeSource = knowledgeBucketSource(config);
  const stores = offRequestPath(createStores(config, sqlite), config);
  return {
    model,
    index: deferVectorIndex(async () => createIndex(config, (await model.info()).dEmbed, sqlite)),
    blobs: createBlobs(config),
    ...stores,
    ...(knowledgeSource !== undefined && { knowledgeSource }),
    async close() {
      try {
        await stores.usage.close();
      } finally {
        await closeModel();
        sqlite.close();
      }
    },
  };
}

/** Only the state stores (for tools such as `npm run api-key`), without a model. */
export function composeStateStores(config: Config): StateStores & { close(): void } {
  const sqlite = localDatabase(config);
  return { ...createStores(config, sqlite), close: () => sqlite.close() };
}
