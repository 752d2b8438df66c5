/**
 * Throughput of `POST /v1/answer` at a fixed concurrency, with autocannon: a fixed number of requests over
 * `connections` keep-alive connections, each cycling through the demo questions. Wall time runs from the start to
 * the last response.
 * @module
 */
import { performance } from 'node:perf_hooks';
import autocannon, { type AutocannonResult } from 'autocannon';
import type { DemoQuestion } from './demo-questions.js';

/** autocannon's sampling interval, ms: it checks for the end of a run only this often. */
const SAMPLE_MS = 20;

/** Options of `measureThroughput`. */
export interface ThroughputOptions {
  readonly url: string;
  readonly apiKey: string;
  readonly questions: readonly DemoQuestion[];
  readonly connections: number;
  /** Total requests; at least `connections`. */
  readonly amount: number;
}

/** What one run measured. */
export interface ThroughputResult {
  readonly connections: number;
  /** Successful responses per second of wall time. */
  readonly requestsPerSecond: number;
  readonly ok: number;
  readonly failed: number;
  readonly seconds: number;
  readonly latencyMs: { readonly p50: number; readonly p99: number };
}

/** Runs autocannon once against the answer route. */
export async function measureThroughput(options: ThroughputOptions): Promise<ThroughputResult> {
  const headers = { authorization: `Bearer ${options.apiKey}`, 'content-type': 'application/json' };
  const requests = options.questions.map((q) => ({
    method: 'POST',
    path: '/v1/answer',
    headers,
    body: JSON.stringify({ question: q.question }),
  }));
  const started = performance.now();
  let lastResponseAt = started;
  const result = await new Promise<AutocannonResult>((resolve, reject) => {
    const settings = {
      url: options.url,
      connections: options.connections,
      pipelining: 1,
      amount: options.amount,
      timeout: 60,
      sampleInt: SAMPLE_MS,
      requests,
    };
    const run = autocannon(settings, (error, done) => (error === null ? resolve(done) : reject(error)));
    run.on('response', () => (lastResponseAt = performance.now()));
  });
  // From the start to the last response: autocannon itself ends a run only on its next sample.
  const seconds = (lastResponseAt - started) / 1000;
  const ok = result['2xx'];
  return {
    connections: options.connections,
    requestsPerSecond: Math.round((ok / seconds) * 100) / 100,
    ok,
    failed: result.non2xx + result.errors + result.timeouts,
    seconds: Math.round(seconds * 100) / 100,
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99 },
  };
}

/** Several runs at one concurrency taken together. */
export interface PooledThroughput {
  readonly connections: number;
  /** All successful responses over all the runs' wall time. */
  readonly requestsPerSecond: number;
  readonly ok: number;
  readonly failed: number;
  readonly seconds: number;
}

/** Pools runs at the same concurrency. */
export function poolThroughput(runs: readonly ThroughputResult[]): PooledThroughput {
  const ok = runs.reduce((sum, r) => sum + r.ok, 0);
  const seconds = runs.reduce((sum, r) => sum + r.seconds, 0);
  return {
    connections: runs[0]?.connections ?? 0,
    requestsPerSecond: seconds === 0 ? 0 : Math.round((ok / seconds) * 100) / 100,
    ok,
    failed: runs.reduce((sum, r) => sum + r.failed, 0),
    seconds: Math.round(seconds * 100) / 100,
  };
}
