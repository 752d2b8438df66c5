/**
 * The serving section's result object: the measurements of `bench/sections/serving.ts`, summarised with percentiles
 * and checked against the targets.
 * @module
 */
import { isExpectedAnswer } from './demo-questions.js';
import type { AnswerSample } from './measure-answers.js';
import { poolThroughput, type ThroughputResult } from './measure-throughput.js';
import { summarizePercentiles, type PercentileSummary } from './percentile.js';
import type { ServingBundle } from './serving-bundle.js';
import type { IngestStats } from './stack-messages.js';

/** Targets on this machine with the demo bundle (issue 4). */
export const SERVING_TARGETS = { answerP50Ms: 150, batchingGain: 2, apiOverheadP50Ms: 2 } as const;

/** One round of throughput at concurrency 1, then 16. */
export interface GainRound {
  readonly c1: ThroughputResult;
  readonly c16: ThroughputResult;
}

/** Throughput at concurrency 1 and 16 on one stack, over several rounds. */
export interface GainRuns {
  readonly batching: string;
  readonly rounds: readonly GainRound[];
  /** Sizes of the `generate` batches during the measured c16 runs. */
  readonly c16BatchSizes: readonly number[];
}

/** Everything the section measured. */
export interface ServingMeasurements {
  readonly bundle: ServingBundle;
  readonly loadavg: { readonly start: readonly number[]; readonly end: readonly number[] };
  readonly seconds: number;
  readonly ingest: IngestStats;
  /** Sequential answers on the stack as composed, with the server-side ms of each (by request id). */
  readonly sequential: readonly AnswerSample[];
  readonly serverMs: ReadonlyMap<string, number>;
  readonly shipped: GainRuns;
  readonly whatIf: GainRuns;
  readonly instant: { readonly server: PercentileSummary; readonly client: PercentileSummary };
}

const round = (x: number, digits = 2): number => Math.round(x * 10 ** digits) / 10 ** digits;

/** Server-side ms of each sample minus `pick(sample)`, for the samples the server timed. */
export function serverMsMinus(
  samples: readonly AnswerSample[],
  serverMs: ReadonlyMap<string, number>,
  pick: (sample: AnswerSample) => number,
): number[] {
  return samples.flatMap((s) => {
    const ms = serverMs.get(s.requestId);
    return ms === undefined ? [] : [ms - pick(s)];
  });
}

/** Mean batch size and how many batches had each size, e.g. `{ mean: 7.6, counts: { '8': 38, '4': 2 } }`. */
function describeBatchSizes(sizes: readonly number[]) {
  const counts: Record<string, number> = {};
  for (const size of sizes) counts[size] = (counts[size] ?? 0) + 1;
  const mean = sizes.length === 0 ? 0 : sizes.reduce((a, b) => a + b, 0) / sizes.length;
  return { batches: sizes.length, mean: round(mean), counts };
}

/** Pooled throughput at each concurrency, their ratio (the gain), and each round's own numbers. */
function summarizeGain(runs: GainRuns) {
  const c1 = poolThroughput(runs.rounds.map((r) => r.c1));
  const c16 = poolThroughput(runs.rounds.map((r) => r.c16));
  return {
    batching: runs.batching,
    throughput_rps: { c1: c1.requestsPerSecond, c16: c16.requestsPerSecond },
    batching_gain: round(c16.requestsPerSecond / c1.requestsPerSecond),
    pooled: { c1, c16 },
    rounds: runs.rounds.map((r) => ({
      c1_rps: r.c1.requestsPerSecond,
      c16_rps: r.c16.requestsPerSecond,
      gain: round(r.c16.requestsPerSecond / r.c1.requestsPerSecond),
      c1_latency_ms: r.c1.latencyMs,
      c16_latency_ms: r.c16.latencyMs,
    })),
    c16_batch_sizes: describeBatchSizes(runs.c16BatchSizes),
  };
}

function describeTargets(values: { answerP50Ms: number; batchingGain: number; apiOverheadP50Ms: number }) {
  const atMost = (value: number, target: number) => ({ value, target: `<= ${target}`, pass: value <= target });
  const { answerP50Ms, batchingGain, apiOverheadP50Ms } = SERVING_TARGETS;
  return {
    answer_p50_ms: atMost(values.answerP50Ms, answerP50Ms),
    batching_gain: {
      value: values.batchingGain,
      target: `>= ${batchingGain}`,
      pass: values.batchingGain >= batchingGain,
    },
    api_overhead_p50_ms: atMost(values.apiOverheadP50Ms, apiOverheadP50Ms),
  };
}

/** The section's JSON: the keys the issue asks for first, then the detail behind them. */
export function buildServingReport(m: ServingMeasurements): Record<string, unknown> {
  const seq = m.sequential;
  const p50 = (pick: (s: AnswerSample) => number, digits = 2) => summarizePercentiles(seq.map(pick), digits).p50;
  const latency = summarizePercentiles(seq.map((s) => s.clientMs));
  const overhead = summarizePercentiles(
    serverMsMinus(seq, m.serverMs, (s) => s.timings.embedMs + s.timings.generateMs),
    3,
  );
  const shipped = summarizeGain(m.shipped);
  const batchingGain = shipped.batching_gain;
  const example = seq[0];
  return {
    bundle: m.bundle.description,
    trained: m.bundle.isTrained,
    loadavg: m.loadavg,
    seconds: m.seconds,
    ingest_items_per_s: round((m.ingest.ingested + m.ingest.skipped) / m.ingest.seconds, 1),
    answer_latency_ms: latency,
    throughput_rps: shipped.throughput_rps,
    batching_gain: batchingGain,
    api_overhead_ms: overhead,
    targets: describeTargets({ answerP50Ms: latency.p50, batchingGain, apiOverheadP50Ms: overhead.p50 }),
    detail: {
      ingest: { ...m.ingest, seconds: round(m.ingest.seconds) },
      answer_p50: {
        server_ms: summarizePercentiles(serverMsMinus(seq, m.serverMs, () => 0)).p50,
        embed_ms: p50((s) => s.timings.embedMs),
        retrieve_ms: p50((s) => s.timings.retrieveMs),
        assemble_ms: p50((s) => s.timings.assembleMs),
        generate_ms: p50((s) => s.timings.generateMs),
        prompt_tokens: p50((s) => s.usage.promptTokens, 0),
        generated_tokens: p50((s) => s.usage.generatedTokens, 0),
      },
      answers: {
        asked: seq.length,
        matched_expected: seq.filter((s) => isExpectedAnswer(s.answer, s.question.expected)).length,
        abstained: seq.filter((s) => s.abstained).length,
        ...(example !== undefined && {
          example: { question: example.question.question, expected: example.question.expected, answer: example.answer },
        }),
      },
      throughput: shipped,
      batching_what_if: summarizeGain(m.whatIf),
      api_overhead: {
        method:
          'server-side time of each sequential answer (request event to response finish) minus its ' +
          'timings.embedMs + timings.generateMs; the questions come from a client process at the lowest ' +
          'scheduling priority, so that it cannot preempt the server inside the response write',
        outside_pipeline_p50_ms: summarizePercentiles(
          serverMsMinus(seq, m.serverMs, (s) => s.timings.totalMs),
          3,
        ).p50,
        pipeline_outside_model_p50_ms: p50((s) => s.timings.totalMs - s.timings.embedMs - s.timings.generateMs, 3),
        instant_model_stack_ms: {
          method: 'the same data dir, with embedText and generate answering at once; server side and client side',
          server: m.instant.server,
          client: m.instant.client,
        },
      },
    },
  };
}
