/**
 * `npm start`: the embedded stack on one port. API + web page + in-process model + embedded index + SQLite stores +
 * filesystem blobs under the data dir (which survives restarts) + a watcher on the knowledge folder. The demo
 * knowledge base is ingested on first start. Prints the URL and a dev API key, then one line containing "ready".
 * @module
 */
import { access, mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { ConfigError, parseConfig, type Config } from '../../src/core/config.js';
import { createKnowledgeIngestor } from '../ingest/knowledge-ingestor.js';
import { startKnowledgeWatcher } from '../ingest/watcher.js';
import { createApp } from './app.js';
import { composeServices } from './compose-services.js';
import { createLogger } from './create-logger.js';
import { ensureDemoKnowledgeBase, ingestDemoKnowledge } from './local-stack/demo-knowledge.js';
import { ensureDevApiKey } from './local-stack/dev-api-key.js';
import { MissingBundleError, requireTrainedBundle } from './local-stack/require-trained-bundle.js';

function displayUrl(config: Config): string {
  const { host, port } = config.local;
  const isLocal = ['127.0.0.1', '0.0.0.0', '::', '::1', 'localhost'].includes(host);
  return `http://${isLocal ? 'localhost' : host}:${port}`;
}

function listen(fetch: (request: Request) => Response | Promise<Response>, config: Config): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, port: config.local.port, hostname: config.local.host }, () =>
      resolve(server as Server),
    );
    server.once('error', reject);
  });
}

async function start(config: Config): Promise<void> {
  if (config.model.backend === 'in-process') await requireTrainedBundle(config.model.bundleDir);
  const logger = createLogger('rablip-local', config.logLevel);
  await mkdir(config.local.dataDir, { recursive: true });
  await mkdir(config.local.knowledgeDir, { recursive: true });
  await ensureDemoKnowledgeBase(config.local.demoKbDir);

  const services = await composeServices(config);
  const { tenant } = config.local;
  const apiKey = await ensureDevApiKey({
    fixedKey: config.local.apiKey,
    dataDir: config.local.dataDir,
    tenant,
    apiKeys: services.apiKeys,
  });
  const app = createApp({ services, config, logger });
  const hasWebPage = await access(config.local.webDir).then(
    () => true,
    () => false,
  );
  if (hasWebPage) app.use('/*', serveStatic({ root: config.local.webDir }));
  else logger.warn('no web page to serve', { webDir: config.local.webDir });
  const server = await listen(app.fetch, config);

  const options = {
    batchSize: config.ingest.batchSize,
    imageLimits: config.limits.image,
    passageMaxChars: config.ingest.passageMaxChars,
    maxDocumentBytes: config.limits.maxDocumentBytes,
  };
  const demo = await ingestDemoKnowledge(services, { tenant, demoKbDir: config.local.demoKbDir }, options);
  const ingestor = createKnowledgeIngestor({ services, options, logger });
  const watcher = await startKnowledgeWatcher({ dir: config.local.knowledgeDir, tenant, ingestor });

  const url = displayUrl(config);
  const demoItems = (demo.counts?.ingested ?? 0) + (demo.counts?.skipped ?? 0);
  process.stdout.write(
    [
      '',
      `  RA-BLIP local stack   ${url}`,
      `  API docs              ${url}/docs`,
      `  dev API key           ${apiKey}`,
      `  knowledge folder      ${config.local.knowledgeDir} (drop .jsonl, .json, .txt, .md, or image + caption files)`,
      '',
      `ready: ${url} serves ${demoItems} demo knowledge items for tenant "${tenant}"`,
      '',
    ].join('\n'),
  );

  const stop = async (): Promise<void> => {
    await watcher.close();
    server.close();
    await services.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

/** What to tell the person who ran `npm start` when it cannot start. */
function explainFailure(error: unknown, config: Config | undefined): string {
  if (error instanceof ConfigError || error instanceof MissingBundleError) return error.message;
  if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    return `Port ${config?.local.port} is in use: stop the other server or set RABLIP_PORT.`;
  }
  return (error as Error).stack ?? String(error);
}

let config: Config | undefined;
try {
  config = parseConfig(process.env);
  await start(config);
} catch (error) {
  process.stderr.write(`\n${explainFailure(error, config)}\n\n`);
  process.exit(1);
}
