/**
 * Loads the bundle for serving: ONNX Runtime with the configured execution providers (CUDA first on a GPU image),
 * falling back to CPU when a provider cannot start (a CUDA image on a CPU instance), then wraps it for batching.
 * @module
 */
import { AppError } from '../src/core/errors.js';
import { ModelRuntime } from '../src/core/model/index.js';
import { createBatchedModel } from './batched-model.js';
import type { ContainerConfig } from './container-config.js';
import type { ServedModel } from './container-state.js';
import type { ContainerLog } from './start-container.js';

async function loadRuntime(
  config: ContainerConfig,
  log: ContainerLog,
): Promise<{ runtime: ModelRuntime; providers: readonly string[] }> {
  const providers = [...config.executionProviders];
  try {
    return { runtime: await ModelRuntime.load(config.bundleDir, { executionProviders: providers }), providers };
  } catch (error) {
    // A bad bundle fails the same on every provider; only a provider that cannot start is worth a CPU retry.
    if (error instanceof AppError || providers.every((p) => p === 'cpu')) throw error;
    log('provider_fallback', {
      requested: providers,
      using: ['cpu'],
      error: error instanceof Error ? error.message : String(error),
    });
    return { runtime: await ModelRuntime.load(config.bundleDir, { executionProviders: ['cpu'] }), providers: ['cpu'] };
  }
}

/** Loads `config.bundleDir` and serves it with micro-batching. */
export async function loadServedModel(config: ContainerConfig, log: ContainerLog): Promise<ServedModel> {
  const { runtime, providers } = await loadRuntime(config, log);
  log('model_loaded', { ...runtime.info(), executionProviders: providers });
  return createBatchedModel(runtime, { maxBatch: config.maxBatch, windowMs: config.batchWaitMs });
}
