/**
 * Bench section: the TypeScript runtime against PyTorch eager on the demo-size model (random weights), same machine,
 * same thread count. Exports the demo bundle to `build/bench-bundle` when it is absent or no longer loads, times
 * the runtime (bench/model/runtime-timings.ts), runs `training/bench_torch.py`, and reports both with their ratios
 * (PyTorch / TypeScript; targets: >= 2x on generate, >= 1.5x geometric mean) and the per-token decode cost at 8
 * and 64 tokens (target: within 1.3x of each other, which shows that the KV cache keeps each step O(1)).
 * @module
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { BundleMismatchError } from '../../src/core/errors.js';
import { loadBundle } from '../../src/core/model/index.js';
import { timeRuntime } from '../model/runtime-timings.js';
import type { RuntimeTimings } from '../model/runtime-timings.js';

const ROOT = resolve(import.meta.dirname, '../..');
const PYTHON = join(ROOT, '.venv/bin/python');
const CONFIG = 'training/configs/demo.json';
const BUNDLE_DIR = join(ROOT, 'build/bench-bundle');
const THREADS = 2;
const RUNS = 10;
const WARMUP = 2;
const TARGETS = { generateRatio: 2, overallRatio: 1.5, decodeScaling: 1.3 };

/** What `training/bench_torch.py --json` prints (the fields this section reads). */
interface TorchTimings {
  readonly promptTokens: number;
  readonly embedTextMs: number;
  readonly embedKnowledgeMs: number;
  readonly generateMs: number;
  readonly decodeMsPerToken8: number;
  readonly decodeMsPerToken64: number;
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

/** Why the section cannot run here, if it cannot. */
export async function missingPrerequisite(): Promise<string | undefined> {
  if (!existsSync(PYTHON)) return 'no .venv: run `npm test` (or `bash scripts/python-env.sh`) first';
  if (!existsSync(join(ROOT, 'training/bench_torch.py'))) return 'training/bench_torch.py is missing';
  return undefined;
}

/** Why the bundle in `BUNDLE_DIR` cannot be used (absent, from another config, or refused), or undefined. */
async function staleBundleReason(): Promise<string | undefined> {
  const manifestPath = join(BUNDLE_DIR, 'manifest.json');
  if (!existsSync(manifestPath)) return 'absent';
  const code = `from training.ra_blip import load_config; print(load_config(${JSON.stringify(CONFIG)}).hash())`;
  const wanted = (await runPython(['-c', code])).trim();
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as { model?: { configHash?: string } };
  if (manifest.model?.configHash !== wanted) return `exported from another config than ${CONFIG}`;
  try {
    await (await loadBundle(BUNDLE_DIR, { intraOpNumThreads: 1 })).release();
    return undefined;
  } catch (err) {
    if (err instanceof BundleMismatchError) return err.message;
    throw err;
  }
}

/** Exports the demo bundle with random weights unless an up-to-date, loadable one is already there. */
async function ensureBundle(): Promise<void> {
  const reason = await staleBundleReason();
  if (reason === undefined) return;
  process.stderr.write(`bench: exporting ${CONFIG} (random init) to ${BUNDLE_DIR} (${reason})…\n`);
  await runPython(['-m', 'training.export', '--config', CONFIG, '--random-init', '--out', BUNDLE_DIR]);
}

async function timeTorch(): Promise<TorchTimings> {
  const args = ['-m', 'training.bench_torch', '--config', CONFIG, '--threads', String(THREADS), '--json'];
  args.push('--runs', String(RUNS), '--warmup', String(WARMUP));
  const lines = (await runPython(args)).trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as TorchTimings;
}

const round = (x: number, digits = 3): number => Math.round(x * 10 ** digits) / 10 ** digits;

function compare(ts: RuntimeTimings, torch: TorchTimings): Record<string, unknown> {
  const ratios = {
    embedText: round(torch.embedTextMs / ts.embedTextMs),
    embedKnowledge: round(torch.embedKnowledgeMs / ts.embedKnowledgeMs),
    generate: round(torch.generateMs / ts.generateMs),
  };
  const overall = round(Math.cbrt(ratios.embedText * ratios.embedKnowledge * ratios.generate));
  const scaling = (a: number, b: number) => round(Math.max(a, b) / Math.min(a, b));
  const decodeScaling = {
    typescript: scaling(ts.decodeMsPerToken8, ts.decodeMsPerToken64),
    pytorch: scaling(torch.decodeMsPerToken8, torch.decodeMsPerToken64),
  };
  return {
    ratiosPytorchOverTypescript: { ...ratios, overallGeometricMean: overall },
    decodePerTokenMs: {
      typescript: { at8: ts.decodeMsPerToken8, at64: ts.decodeMsPerToken64, ratio: decodeScaling.typescript },
      pytorch: { at8: torch.decodeMsPerToken8, at64: torch.decodeMsPerToken64, ratio: decodeScaling.pytorch },
    },
    targets: TARGETS,
    meetsTargets: {
      generate: ratios.generate >= TARGETS.generateRatio,
      overall: overall >= TARGETS.overallRatio,
      decodeScaling: decodeScaling.typescript <= TARGETS.decodeScaling,
    },
    samePrompt: ts.promptTokens === torch.promptTokens,
  };
}

/** Times both runtimes on the demo bundle and compares them. */
export async function run(): Promise<Record<string, unknown>> {
  await ensureBundle();
  const loadBefore = loadavg()[0];
  process.stderr.write('bench: timing the TypeScript runtime…\n');
  const typescript = await timeRuntime(BUNDLE_DIR, THREADS, RUNS, WARMUP);
  process.stderr.write('bench: timing PyTorch eager (training/bench_torch.py)…\n');
  const pytorch = await timeTorch();
  return {
    config: CONFIG,
    bundle: 'build/bench-bundle (random init)',
    threads: THREADS,
    loadAverage1m: { before: round(loadBefore ?? 0, 2), after: round(loadavg()[0] ?? 0, 2) },
    typescript,
    pytorch,
    ...compare(typescript, pytorch),
  };
}
