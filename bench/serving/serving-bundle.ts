/**
 * Which bundle the serving bench serves: the trained demo bundle `models/ra-blip-mini/` when it is there and loads,
 * otherwise the random-weight demo-size bundle `build/bench-bundle/`, exported from `training/configs/demo.json` when
 * it is absent, from another config, or refused by the runtime (as the model section does).
 * @module
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { BundleMismatchError } from '../../src/core/errors.js';
import { loadBundle } from '../../src/core/model/index.js';

const ROOT = resolve(import.meta.dirname, '../..');
const PYTHON = join(ROOT, '.venv/bin/python');
const CONFIG = 'training/configs/demo.json';
/** The trained demo bundle, relative to the repository root. */
export const TRAINED_BUNDLE = 'models/ra-blip-mini';
/** The random-weight demo-size bundle, relative to the repository root. */
export const RANDOM_BUNDLE = 'build/bench-bundle';

/** The bundle the stack serves. */
export interface ServingBundle {
  /** Relative to the repository root. */
  readonly dir: string;
  readonly isTrained: boolean;
  /** In words, for the report. */
  readonly description: string;
}

/** Runs a Python module from the repository root; resolves with its stdout, stderr passes through. */
function runPython(args: readonly string[]): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(PYTHON, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolvePromise(stdout) : reject(new Error(`${args.join(' ')} exited with ${code}`)),
    );
  });
}

/**
 * Why the bundle in `dir` cannot be served, or undefined. With `isAnyErrorARefusal`, any load error is one (the trained
 * bundle may be half written while training exports it); otherwise only a `BundleMismatchError` is.
 */
async function refusalReason(dir: string, isAnyErrorARefusal = false): Promise<string | undefined> {
  try {
    await (await loadBundle(join(ROOT, dir), { intraOpNumThreads: 1 })).release();
    return undefined;
  } catch (err) {
    if (err instanceof BundleMismatchError || (isAnyErrorARefusal && err instanceof Error)) return err.message;
    throw err;
  }
}

/** Why `build/bench-bundle` must be exported again, or undefined when it is up to date and loads. */
async function staleRandomBundleReason(): Promise<string | undefined> {
  const manifestPath = join(ROOT, RANDOM_BUNDLE, 'manifest.json');
  if (!existsSync(manifestPath)) return 'absent';
  if (existsSync(PYTHON)) {
    const code = `from training.ra_blip import load_config; print(load_config(${JSON.stringify(CONFIG)}).hash())`;
    const wanted = (await runPython(['-c', code])).trim();
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as { model?: { configHash?: string } };
    if (manifest.model?.configHash !== wanted) return `exported from another config than ${CONFIG}`;
  }
  return refusalReason(RANDOM_BUNDLE);
}

/** Whether a bundle can be had here at all: the trained one, the random one, or Python to export it. */
export function hasBundleSource(): boolean {
  return (
    [TRAINED_BUNDLE, RANDOM_BUNDLE].some((dir) => existsSync(join(ROOT, dir, 'manifest.json'))) || existsSync(PYTHON)
  );
}

/** The trained bundle if it loads, else an up-to-date random-weight demo bundle (exported if needed). */
export async function chooseServingBundle(): Promise<ServingBundle> {
  const trainedManifest = join(ROOT, TRAINED_BUNDLE, 'manifest.json');
  let trainedNote = `${TRAINED_BUNDLE} is absent`;
  if (existsSync(trainedManifest)) {
    const reason = await refusalReason(TRAINED_BUNDLE, true);
    if (reason === undefined)
      return { dir: TRAINED_BUNDLE, isTrained: true, description: `${TRAINED_BUNDLE} (trained)` };
    trainedNote = `${TRAINED_BUNDLE} does not load (${reason})`;
  }
  const stale = await staleRandomBundleReason();
  if (stale !== undefined) {
    if (!existsSync(PYTHON))
      throw new Error(`${RANDOM_BUNDLE} cannot be used (${stale}) and there is no .venv to export it`);
    process.stderr.write(`bench: exporting ${CONFIG} (random init) to ${RANDOM_BUNDLE} (${stale})…\n`);
    await runPython(['-m', 'training.export', '--config', CONFIG, '--random-init', '--out', RANDOM_BUNDLE]);
  }
  return {
    dir: RANDOM_BUNDLE,
    isTrained: false,
    description:
      `${RANDOM_BUNDLE} (random weights, demo size; ${trainedNote}). ` +
      'A random bundle decodes to the max new tokens on every request, so it is slower than the trained one.',
  };
}
