/**
 * The stack behind the browser test: the real API app (`functions/api/app.ts`) over the embedded adapters (SQLite
 * index, jobs, usage and keys; filesystem blobs), its model being the real model container (tiny bundle, random
 * weights) reached through the HTTP model client; the page served from `web/` as the local stack does.
 * @module
 */
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { serve } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { hashApiKey } from '../../functions/api/api-key.js';
import { createApp } from '../../functions/api/app.js';
import type { RunningContainer } from '../../model-container/start-container.js';
import { SqliteApiKeyStore } from '../../src/adapters/api-key-store-sqlite.js';
import { FsBlobStore } from '../../src/adapters/blob-store-fs.js';
import { SqliteJobStore } from '../../src/adapters/job-store-sqlite.js';
import { createHttpModelClient } from '../../src/adapters/model-http.js';
import { openSqliteDatabase } from '../../src/adapters/sqlite-database.js';
import { SqliteUsageMeter } from '../../src/adapters/usage-meter-sqlite.js';
import { EmbeddedVectorIndex } from '../../src/adapters/vector-index-embedded.js';
import { parseConfig } from '../../src/core/config.js';
import { startTinyContainer } from '../integration/container/tiny-container.js';

export interface WebStack {
  /** `http://127.0.0.1:port` of the API and page. */
  readonly origin: string;
  close(): Promise<void>;
}

/** Starts the container, the API with `apiKey` registered for one tenant, and the page. */
export async function startWebStack(apiKey: string, webRoot: string): Promise<WebStack> {
  const container: RunningContainer = await startTinyContainer({ batchWaitMs: 1 });
  const dataDir = await mkdtemp(join(tmpdir(), 'rablip-web-'));
  const database = openSqliteDatabase(join(dataDir, 'state.sqlite'));
  const model = createHttpModelClient({ url: container.url });
  const { dEmbed } = await model.info();
  const services = {
    model,
    index: new EmbeddedVectorIndex({ database, dimensions: dEmbed }),
    blobs: new FsBlobStore({ rootDir: join(dataDir, 'blobs') }),
    jobs: new SqliteJobStore(database),
    usage: new SqliteUsageMeter(database),
    apiKeys: new SqliteApiKeyStore(database),
  };
  await services.apiKeys.put(hashApiKey(apiKey), 'web-test');
  const app = createApp({ services, config: parseConfig({}), logger: new Logger({ logLevel: 'SILENT' }) });
  app.use('/*', serveStatic({ root: webRoot }));
  const server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as Server));
  });
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      await new Promise((resolve) => server.close(resolve));
      database.close();
      await container.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
