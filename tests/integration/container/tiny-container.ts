/**
 * Test fixture: the model container started in this process on a free port, serving the tiny parity bundle that
 * `training/tests/test_export_parity.py` exports (random weights: tests assert shapes and contracts, not answers).
 * @module
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { ContainerConfig } from '../../../model-container/container-config.js';
import { loadServedModel } from '../../../model-container/load-served-model.js';
import { startContainer, type RunningContainer } from '../../../model-container/start-container.js';

/** Where the parity test writes the tiny bundle. */
export const TINY_BUNDLE_DIR = join(import.meta.dirname, '../../../build/parity/ra-blip-tiny');

/** Fails with the command that makes the bundle, rather than with a load error. */
export function requireTinyBundle(): string {
  if (!existsSync(join(TINY_BUNDLE_DIR, 'manifest.json'))) {
    throw new Error(
      `${TINY_BUNDLE_DIR} is missing: run .venv/bin/python -m pytest -q training/tests/test_export_parity.py first ` +
        '(npm test runs pytest before vitest)',
    );
  }
  return TINY_BUNDLE_DIR;
}

/** The container's configuration for tests: loopback, a free port, CPU, and a batching window wide enough to batch. */
export function tinyContainerConfig(overrides: Partial<ContainerConfig> = {}): ContainerConfig {
  return {
    port: 0,
    host: '127.0.0.1',
    bundleDir: requireTinyBundle(),
    executionProviders: ['cpu'],
    drainTimeoutMs: 5_000,
    maxBatch: 16,
    batchWaitMs: 20,
    ...overrides,
  };
}

/** Starts the container on the tiny bundle and waits until `/ping` would answer 200. */
export async function startTinyContainer(overrides: Partial<ContainerConfig> = {}): Promise<RunningContainer> {
  const log = (): void => {};
  const container = await startContainer(tinyContainerConfig(overrides), (c) => loadServedModel(c, log), log);
  await container.ready;
  return container;
}

/** A small PNG of one colour. */
export function solidPng(colour: string, size = 16): Promise<Uint8Array> {
  return sharp({ create: { width: size, height: size, channels: 3, background: colour } })
    .png()
    .toBuffer()
    .then((b) => new Uint8Array(b));
}
