/**
 * The random-weight, demo-size bundle that the model and serving benches share (`build/bench-bundle/`), and the one
 * way the benches run Python. The bundle is exported from `training/configs/demo.json` when it is absent, from another
 * config, or refused by the runtime.
 * @module
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { BundleMismatchError } from '../src/core/errors.js';
import { ModelRuntime } from '../src/core/model/index.js';

export const REPO_ROOT = resolve(import.meta.dirname, '..');
export const PYTHON = join(REPO_ROOT, '.venv/bin/python');
export const DEMO_CONFIG = 'training/configs/demo.json';
/** Relative to the repository root. */
export const RANDOM_BUNDLE = 'build/bench-bundle';
/** The same weights quantised to int8 as the shipped demo bundle is (`training/export.py --quantize int8`). */
export const RANDOM_BUNDLE_INT8 = 'build/bench-bundle-int8';

/** Runs a Python module from the repository root; resolves with its stdout, stderr passes through. */
export function runPython(args: readonly string[]): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(PYTHON, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolvePromise(stdout) : reject(new Error(`${args.join(' ')} exited with ${code}`)),
    );
  });
}

/**
 * Why the bundle in `dir` (relative to the root) cannot be loaded as the service loads it (`ModelRuntime.load`, so a
 * bundle of an older exporter whose rows depend on their batch is refused too), or undefined. With
 * `isAnyErrorARefusal`, any load error is one (a trained bundle may be half written while training exports it);
 * otherwise only a mismatch is.
 */
export async function refusalReason(dir: string, isAnyErrorARefusal = false): Promise<string | undefined> {
  try {
    await (await ModelRuntime.load(join(REPO_ROOT, dir), { intraOpNumThreads: 1 })).release();
    return undefined;
  } catch (err) {
    if (err instanceof BundleMismatchError || (isAnyErrorARefusal && err instanceof Error)) return err.message;
    throw err;
  }
}

/** Why the random bundle in `dir` must be exported again, or undefined when it is up to date and loads. */
async function staleReason(dir: string): Promise<string | undefined> {
  const manifestPath = join(REPO_ROOT, dir, 'manifest.json');
  if (!existsSync(manifestPath)) return 'absent';
  if (existsSync(PYTHON)) {
    const code = `from training.ra_blip import load_config; print(load_config(${JSON.stringify(DEMO_CONFIG)}).hash())`;
    const wanted = (await runPython(['-c', code])).trim();
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as { model?: { configHash?: string } };
    if (manifest.model?.configHash !== wanted) return `exported from another config than ${DEMO_CONFIG}`;
  }
  return refusalReason(dir);
}

/**
 * Exports the random demo bundle (fp32, or int8 with `quantize`) unless an up-to-date, loadable one is already there.
 * Both use the same seed, so the int8 bundle holds the fp32 bundle's weights quantised.
 */
export async function ensureRandomDemoBundle(quantize?: 'int8'): Promise<void> {
  const dir = quantize === undefined ? RANDOM_BUNDLE : RANDOM_BUNDLE_INT8;
  const reason = await staleReason(dir);
  if (reason === undefined) return;
  if (!existsSync(PYTHON)) throw new Error(`${dir} cannot be used (${reason}) and there is no .venv to export it`);
  process.stderr.write(`bench: exporting ${DEMO_CONFIG} (random init) to ${dir} (${reason})…\n`);
  const args = ['-m', 'training.export', '--config', DEMO_CONFIG, '--random-init', '--out', dir];
  await runPython(quantize === undefined ? args : [...args, '--quantize', quantize]);
}
