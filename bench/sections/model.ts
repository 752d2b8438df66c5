/**
 * Bench section: the TypeScript runtime against PyTorch eager on the demo-size model (random weights), same machine,
 * same thread count. Exports the demo bundle to `build/bench-bundle` when it is absent or no longer loads, times
 * the runtime (bench/model/runtime-timings.ts), runs `training/bench_torch.py`, and reports both with their ratios
 * (PyTorch / TypeScript; targets: >= 2x on generate, >= 1.5x geometric mean) and the per-token decode cost at 8
 * and 64 tokens (target: within 1.3x of each other, which shows that the KV cache keeps each step O(1)).
 * @module
 */
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { timeRuntime } from '../model/runtime-timings.js';
import type { RuntimeTimings } from '../model/runtime-timings.js';
import {
  DEMO_CONFIG as CONFIG,
  PYTHON,
  RANDOM_BUNDLE,
  RANDOM_BUNDLE_INT8,
  REPO_ROOT as ROOT,
  ensureRandomDemoBundle,
  runPython,
} from '../random-demo-bundle.js';

const BUNDLE_DIR = join(ROOT, RANDOM_BUNDLE);
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

/** Why the section cannot run here, if it cannot. */
export async function missingPrerequisite(): Promise<string | undefined> {
  if (!existsSync(PYTHON)) return 'no .venv: run `npm test` (or `bash scripts/python-env.sh`) first';
  if (!existsSync(join(ROOT, 'training/bench_torch.py'))) return 'training/bench_torch.py is missing';
  return undefined;
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
  await ensureRandomDemoBundle();
  await ensureRandomDemoBundle('int8');
  const loadBefore = loadavg()[0];
  process.stderr.write('bench: timing the TypeScript runtime (fp32 and int8 bundles)…\n');
  const typescript = await timeRuntime(BUNDLE_DIR, THREADS, RUNS, WARMUP);
  const typescriptInt8 = await timeRuntime(join(ROOT, RANDOM_BUNDLE_INT8), THREADS, RUNS, WARMUP);
  process.stderr.write('bench: timing PyTorch eager (training/bench_torch.py)…\n');
  const pytorch = await timeTorch();
  return {
    config: CONFIG,
    bundle: `${RANDOM_BUNDLE} (random init, fp32)`,
    threads: THREADS,
    loadAverage1m: { before: round(loadBefore ?? 0, 2), after: round(loadavg()[0] ?? 0, 2) },
    typescript,
    pytorch,
    ...compare(typescript, pytorch),
    // The format the demo bundle ships in (models/ra-blip-mini is int8): same weights, quantised, vs PyTorch fp32.
    shippedInt8: {
      bundle: `${RANDOM_BUNDLE_INT8} (random init, int8)`,
      typescript: typescriptInt8,
      ...compare(typescriptInt8, pytorch),
    },
  };
}
