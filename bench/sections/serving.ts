/**
 * Bench section: the local stack serving the demo knowledge base through its HTTP API. A child process composes the
 * stack as `npm start` does (in-process model, embedded index, SQLite stores, fs blobs, a temp data dir, a free port)
 * and ingests the demo knowledge base (ingest items/s). Then, through `POST /v1/answer` with real capital/currency
 * questions: sequential latency p50/p99; throughput at concurrency 1 and 16 with autocannon, whose ratio is the
 * dynamic-batching gain; and the API's own time per request, server-side time minus the model's (`timings.embedMs +
 * timings.generateMs`). The sequential questions come from a separate client process at the lowest scheduling
 * priority, so that the client's own work cannot run on the server's clock (`sequential-client-process.ts`). Two more
 * stacks on the same data dir: one batching `generate` as the model container does (a what-if for the gain), and one
 * whose model answers instantly, which cross-checks the overhead. Serves
 * `models/ra-blip-mini` when it is there, else the random-weight demo bundle. About one to two minutes here.
 * @module
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DEMO_KB_FILE, ensureDemoKnowledgeBase } from '../../functions/api/local-stack/demo-knowledge.js';
import { loadDemoQuestions, type DemoQuestion } from '../serving/demo-questions.js';
import { measureThroughput } from '../serving/measure-throughput.js';
import { summarizePercentiles } from '../serving/percentile.js';
import { chooseServingBundle, hasBundleSource, type ServingBundle } from '../serving/serving-bundle.js';
import { measureSequentialAnswersYielding } from '../serving/sequential-client-process.js';
import { buildServingReport, serverMsMinus, type GainRound, type GainRuns } from '../serving/serving-report.js';
import { startServingStack, type ServingStack } from '../serving/stack-process.js';
import type { Batching, StackLaunch } from '../serving/stack-messages.js';

const ROOT = resolve(import.meta.dirname, '../..');
const DEMO_KB_DIR = join(ROOT, 'build/kb/demo');
const API_KEY = 'bench-serving-key-0123456789';
/** Request counts, sized so that the section stays well under 3 minutes on 2 shared cores. */
const PLAN = {
  sequential: { warmup: 5, count: 100 },
  gain: { rounds: 3, c1Amount: 30, c16Warmup: 32, c16Amount: 160 },
  instant: { warmup: 20, count: 500 },
} as const;
/** What `compose-services.ts` passes to the in-process client (`IN_PROCESS_BATCHING`). */
const SHIPPED_BATCHING = 'maxBatch 16, windowMs 0 (IN_PROCESS_BATCHING in functions/api/compose-services.ts)';
/** The model container's defaults (`RABLIP_MAX_BATCH`, `RABLIP_BATCH_WAIT_MS` in model-container/container-config.ts). */
const WHAT_IF_BATCHING: Batching = { maxBatch: 16, windowMs: 2 };

const round = (x: number, digits = 2): number => Math.round(x * 10 ** digits) / 10 ** digits;

/** Why the section cannot run here, if it cannot. */
export async function missingPrerequisite(): Promise<string | undefined> {
  if (!existsSync(join(ROOT, 'node_modules/autocannon/package.json'))) return 'autocannon is not installed (npm ci)';
  if (!hasBundleSource()) return 'no model bundle and no .venv to export one: run `npm test` or `npm run train` first';
  return undefined;
}

interface StackSettings {
  readonly dataDir: string;
  readonly bundle: ServingBundle;
}

function startStack(launch: StackLaunch, settings: StackSettings): Promise<ServingStack> {
  process.stderr.write(`bench: starting the stack (${JSON.stringify(launch)})…\n`);
  return startServingStack({
    launch,
    baseEnv: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
    settings: {
      RABLIP_DATA_DIR: settings.dataDir,
      RABLIP_KNOWLEDGE_DIR: join(settings.dataDir, 'knowledge'),
      RABLIP_BUNDLE_DIR: join(ROOT, settings.bundle.dir),
      RABLIP_DEMO_KB_DIR: DEMO_KB_DIR,
      RABLIP_API_KEY: API_KEY,
    },
    startTimeoutMs: 150_000,
  });
}

/** Runs `measure` on a fresh stack, then stops it. */
async function withStack<T>(
  launch: StackLaunch,
  settings: StackSettings,
  measure: (stack: ServingStack) => Promise<T>,
): Promise<T> {
  const stack = await startStack(launch, settings);
  try {
    return await measure(stack);
  } finally {
    await stack.stop();
  }
}

/**
 * Throughput at concurrency 1 and 16, alternating over several rounds so that a change in the machine's load (other
 * people's processes) weighs on both alike. A warm-up at 16 first, so that batched shapes are not cold.
 */
async function measureGain(stack: ServingStack, questions: readonly DemoQuestion[], batching: string) {
  process.stderr.write('bench: throughput at concurrency 1 and 16…\n');
  const target = { url: stack.url, apiKey: API_KEY, questions };
  await measureThroughput({ ...target, connections: 16, amount: PLAN.gain.c16Warmup });
  const rounds: GainRound[] = [];
  const c16BatchSizes: number[] = [];
  for (let round = 0; round < PLAN.gain.rounds; round++) {
    const c1 = await measureThroughput({ ...target, connections: 1, amount: PLAN.gain.c1Amount });
    await stack.takeBatchSizes();
    const c16 = await measureThroughput({ ...target, connections: 16, amount: PLAN.gain.c16Amount });
    c16BatchSizes.push(...(await stack.takeBatchSizes()));
    rounds.push({ c1, c16 });
  }
  const runs: GainRuns = { batching, rounds, c16BatchSizes };
  return runs;
}

/** The stack as composed: ingest, sequential answers with their server-side times, throughput. */
function benchShippedStack(settings: StackSettings, questions: readonly DemoQuestion[]) {
  return withStack({ model: 'bundle', isIngesting: true }, settings, async (stack) => {
    if (stack.ingest === undefined) throw new Error('the stack reported no ingest');
    process.stderr.write('bench: sequential answers…\n');
    const target = { url: stack.url, apiKey: API_KEY, questions };
    const sequential = await measureSequentialAnswersYielding({ ...target, ...PLAN.sequential, runName: 'sequential' });
    const serverMs = await stack.serverTimings();
    const shipped = await measureGain(stack, questions, SHIPPED_BATCHING);
    return { ingest: stack.ingest, sequential, serverMs, shipped };
  });
}

/** The API's whole time per request when the model costs nothing. */
function benchInstantStack(settings: StackSettings, questions: readonly DemoQuestion[]) {
  return withStack({ model: 'instant', isIngesting: false }, settings, async (stack) => {
    process.stderr.write('bench: sequential answers with an instant model…\n');
    const target = { url: stack.url, apiKey: API_KEY, questions };
    const samples = await measureSequentialAnswersYielding({ ...target, ...PLAN.instant, runName: 'instant' });
    const serverMs = await stack.serverTimings();
    return {
      server: summarizePercentiles(
        serverMsMinus(samples, serverMs, () => 0),
        3,
      ),
      client: summarizePercentiles(
        samples.map((s) => s.clientMs),
        3,
      ),
    };
  });
}

/** Starts the stacks, ingests, measures, and reports. */
export async function run(): Promise<Record<string, unknown>> {
  const loadStart = loadavg().map((x) => round(x));
  const started = performance.now();
  const bundle = await chooseServingBundle();
  await ensureDemoKnowledgeBase(DEMO_KB_DIR);
  const questions = await loadDemoQuestions(join(DEMO_KB_DIR, DEMO_KB_FILE));
  const dataDir = await mkdtemp(join(tmpdir(), 'rablip-bench-serving-'));
  try {
    const settings = { dataDir, bundle };
    const shipped = await benchShippedStack(settings, questions);
    const whatIfLaunch: StackLaunch = { model: 'bundle', isIngesting: false, batching: WHAT_IF_BATCHING };
    const whatIf = await withStack(whatIfLaunch, settings, (stack) =>
      measureGain(stack, questions, `maxBatch ${WHAT_IF_BATCHING.maxBatch}, windowMs ${WHAT_IF_BATCHING.windowMs}`),
    );
    const instant = await benchInstantStack(settings, questions);
    return buildServingReport({
      bundle,
      loadavg: { start: loadStart, end: loadavg().map((x) => round(x)) },
      seconds: round((performance.now() - started) / 1000, 1),
      ...shipped,
      whatIf,
      instant,
    });
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}
