/**
 * Throughput of `POST /v1/answer` at a fixed concurrency, with autocannon: a fixed number of requests over
 * `connections` keep-alive connections, each cycling through the demo questions.
 * @module
 */
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import type { DemoQuestion } from './demo-questions.js';

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
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    pipelining: 1,
    amount: options.amount,
    timeout: 60,
    requests,
  });
  const seconds = (performance.now() - started) / 1000;
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
