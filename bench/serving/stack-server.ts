/**
 * Child-process entry of the serving bench: the local stack as `functions/api/local.ts` composes it (in-process model,
 * embedded index, SQLite stores, fs blobs under `RABLIP_DATA_DIR`), on a free port of 127.0.0.1, without the folder
 * watcher and the web page. Its one argument, JSON (`StackLaunch`), says whether it first ingests the demo knowledge
 * base (timed), whether its model answers instantly (`withInstantAnswers`), and whether `generate` is batched with
 * other options than the composed ones. It times every request whose `X-Request-Id` starts with `bench-` on the
 * server side, records the size of every `generate` batch (`batch-size-log.ts`), and talks to the parent over IPC
 * (`stack-messages.ts`). Forked by `stack-process.ts`.
 * @module
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { serve } from '@hono/node-server';
import { createInProcessModelClient, type BatchableModel } from '../../src/adapters/model-in-process.js';
import { ModelWorker } from '../../src/adapters/model-worker.js';
import { parseConfig, type Config } from '../../src/core/config.js';
import type { ModelClient } from '../../src/core/ports.js';
import { createApp } from '../../functions/api/app.js';
import { composeServices } from '../../functions/api/compose-services.js';
import type { ComposedServices } from '../../functions/api/composed-services.js';
import { createLogger } from '../../functions/api/create-logger.js';
import { ingestDemoKnowledge } from '../../functions/api/local-stack/demo-knowledge.js';
import { ensureDevApiKey } from '../../functions/api/local-stack/dev-api-key.js';
import { logBatchSizes } from './batch-size-log.js';
import { withInstantAnswers } from './instant-answers-model.js';
import {
  BENCH_REQUEST_ID_PREFIX,
  ParentMessageSchema,
  StackLaunchSchema,
  type ChildMessage,
  type IngestStats,
  type StackLaunch,
} from './stack-messages.js';

function send(message: ChildMessage): void {
  process.send?.(message);
}

/** Ingests the demo knowledge base as `npm start` does on first start, and times it. */
async function ingestDemo(services: ComposedServices, config: Config): Promise<IngestStats> {
  const started = performance.now();
  const job = await ingestDemoKnowledge(
    services,
    { tenant: config.local.tenant, demoKbDir: config.local.demoKbDir },
    {
      batchSize: config.ingest.batchSize,
      imageLimits: config.limits.image,
      passageMaxChars: config.ingest.passageMaxChars,
      maxDocumentBytes: config.limits.maxDocumentBytes,
    },
  );
  const seconds = (performance.now() - started) / 1000;
  if (job.state !== 'done') throw new Error(`demo ingest ${job.state}: ${(job.errors ?? []).join('; ')}`);
  return { ...(job.counts ?? { ingested: 0, skipped: 0, rejected: 0 }), seconds };
}

/** The model thread under the in-process client that `composeServices` built. */
function runtimeOf(model: ModelClient): BatchableModel {
  if (!('runtime' in model) || !(model.runtime instanceof ModelWorker)) {
    throw new Error('the serving bench needs the in-process model (RABLIP_MODEL_BACKEND=in-process)');
  }
  return model.runtime;
}

/** The model the app gets: the composed one, or over the same runtime, answering instantly or batched differently. */
async function servedModel(model: ModelClient, launch: StackLaunch): Promise<ModelClient> {
  if (launch.model === 'instant') return withInstantAnswers(model, await model.info());
  if (launch.batching === undefined) return model;
  return createInProcessModelClient(runtimeOf(model), { batching: launch.batching });
}

/** Records the server-side time of each bench request: first listener on `request` to the response's `finish`. */
function timeBenchRequests(server: Server): Map<string, number> {
  const serverMs = new Map<string, number>();
  server.prependListener('request', (request: IncomingMessage, response: ServerResponse) => {
    const id = request.headers['x-request-id'];
    if (typeof id !== 'string' || !id.startsWith(BENCH_REQUEST_ID_PREFIX)) return;
    const started = performance.now();
    response.once('finish', () => serverMs.set(id, performance.now() - started));
  });
  return serverMs;
}

function listen(fetch: (request: Request) => Response | Promise<Response>): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(server as Server));
    server.once('error', reject);
  });
}

async function start(launch: StackLaunch): Promise<void> {
  const config = parseConfig(process.env);
  const services = await composeServices(config);
  await ensureDevApiKey({
    fixedKey: config.local.apiKey,
    dataDir: config.local.dataDir,
    tenant: config.local.tenant,
    apiKeys: services.apiKeys,
  });
  const ingest = launch.isIngesting ? await ingestDemo(services, config) : undefined;
  const batchSizes = logBatchSizes(runtimeOf(services.model));
  const served = { ...services, model: await servedModel(services.model, launch) };
  const app = createApp({ services: served, config, logger: createLogger('rablip-bench', config.logLevel) });
  const server = await listen(app.fetch);
  const serverMs = timeBenchRequests(server);

  process.on('message', (raw) => {
    const message = ParentMessageSchema.parse(raw);
    if (message.type === 'send-server-timings') {
      send({ type: 'server-timings', serverMs: Object.fromEntries(serverMs) });
      return;
    }
    if (message.type === 'send-batch-sizes') {
      send({ type: 'batch-sizes', sizes: batchSizes.take() });
      return;
    }
    server.close();
    void services.close().finally(() => process.exit(0));
  });
  process.once('disconnect', () => process.exit(0));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the server has no TCP address');
  send({ type: 'ready', port: address.port, ...(ingest !== undefined && { ingest }) });
}

try {
  await start(StackLaunchSchema.parse(JSON.parse(process.argv[2] ?? '')));
} catch (error) {
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  if (process.send === undefined) {
    process.stderr.write(`${message}\n`);
    process.exit(1);
  }
  // Exit once the message is out: an exit right after `send` can drop it.
  process.send({ type: 'failed', message } satisfies ChildMessage, () => process.exit(1));
}
