/**
 * Loads the bundle for serving: ONNX Runtime on a model thread with the configured execution providers (CUDA first
 * on a GPU image), falling back to CPU when a provider cannot start (a CUDA image on a CPU instance), then serves it
 * with per-operation micro-batching. Embeddings are batched as well as `generate`, because many API instances send
 * the container one question each; every batch is counted for `GET /stats`.
 * @module
 */
import { createInProcessModelClient } from '../src/adapters/model-in-process.js';
import { ModelWorker } from '../src/adapters/model-worker.js';
import { AppError } from '../src/core/errors.js';
import { BatchStats } from '../src/core/model/index.js';
import type { ContainerConfig } from './container-config.js';
import type { ServedModel } from './container-state.js';
import type { ContainerLog } from './start-container.js';

async function loadRuntime(
  config: ContainerConfig,
  log: ContainerLog,
): Promise<{ runtime: ModelWorker; providers: readonly string[] }> {
  const providers = [...config.executionProviders];
  try {
    return { runtime: await ModelWorker.start(config.bundleDir, { executionProviders: providers }), providers };
  } catch (error) {
    // A bad bundle fails the same on every provider; only a provider that cannot start is worth a CPU retry.
    const isBundleError = error instanceof AppError && error.code !== 'model_unavailable';
    if (isBundleError || providers.every((p) => p === 'cpu')) throw error;
    log('provider_fallback', {
      requested: providers,
      using: ['cpu'],
      error: error instanceof Error ? error.message : String(error),
    });
    return { runtime: await ModelWorker.start(config.bundleDir, { executionProviders: ['cpu'] }), providers: ['cpu'] };
  }
}

/** Loads `config.bundleDir` and serves it with micro-batching. */
export async function loadServedModel(config: ContainerConfig, log: ContainerLog): Promise<ServedModel> {
  const { runtime, providers } = await loadRuntime(config, log);
  log('model_loaded', { ...runtime.info(), executionProviders: providers });
  const stats = new BatchStats();
  const batching = { maxBatch: config.maxBatch, windowMs: config.batchWaitMs };
  return { client: createInProcessModelClient(runtime, { batching, stats }), stats, release: () => runtime.release() };
}
