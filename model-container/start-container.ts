/**
 * Starts the container: listen first (SageMaker expects the socket within 250 ms; `/ping` answers 503 meanwhile),
 * then load the bundle, then serve. `close()` drains: no new invocations, in-flight ones finish, then the model is
 * released.
 * @module
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { createContainerApp } from './container-app.js';
import type { ContainerConfig } from './container-config.js';
import { ContainerState, type ServedModel } from './container-state.js';

/** One structured log line. */
export type ContainerLog = (event: string, fields?: Record<string, unknown>) => void;

export interface RunningContainer {
  /** `http://host:port` of the listening server. */
  readonly url: string;
  readonly state: ContainerState;
  /** Resolves once the model is loaded; rejects when loading fails. */
  readonly ready: Promise<void>;
  /** Drains and stops; resolves with whether every in-flight invocation finished in time. */
  close(): Promise<{ isDrained: boolean }>;
}

/**
 * Listens on `config.port` (0 picks a free port) and loads the model with `loadModel`.
 * @param loadModel loads the bundle and wraps it for serving (see load-served-model.ts)
 */
export async function startContainer(
  config: ContainerConfig,
  loadModel: (config: ContainerConfig) => Promise<ServedModel>,
  log: ContainerLog,
): Promise<RunningContainer> {
  const state = new ContainerState();
  const app = createContainerApp(state, (error) =>
    log('invocation_failed', { error: error instanceof Error ? error.message : String(error) }),
  );
  const server = await listen(app.fetch, config);
  const address = server.address() as AddressInfo;
  const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${address.port}`;
  log('listening', { url });

  const startedAt = performance.now();
  const ready = loadModel(config).then((model) => {
    state.setModel(model);
    log('ready', { bundleDir: config.bundleDir, loadMs: Math.round(performance.now() - startedAt) });
  });
  // Callers observe failures through `ready`; this keeps an unobserved rejection from crashing a test runner.
  ready.catch(() => {});

  return {
    url,
    state,
    ready,
    close: async () => {
      const deadline = Date.now() + config.drainTimeoutMs;
      state.startDraining();
      log('draining', { inFlight: state.inFlightCount });
      let isClosed = false;
      const stopped = new Promise<void>((resolve) => server.close(() => resolve())).then(() => (isClosed = true));
      const { isIdle } = await state.waitIdle(config.drainTimeoutMs);
      // An invocation ends before node-server writes its response: close connections only once they fall idle.
      while (!isClosed && Date.now() < deadline) {
        server.closeIdleConnections();
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      server.closeAllConnections();
      await stopped;
      await state.loadedModel?.release();
      log('stopped', { isDrained: isIdle });
      return { isDrained: isIdle };
    },
  };
}

function listen(fetch: (request: Request) => Response | Promise<Response>, config: ContainerConfig): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, port: config.port, hostname: config.host }, () => resolve(server as Server));
    server.once('error', reject);
  });
}
