/**
 * Sequential `POST /v1/answer` calls through the HTTP API, one at a time: client-side latency, and the response's
 * answer and `timings`, under a bench request id so that the server-side time can be joined to it.
 * @module
 */
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { AnswerResponseSchema as ApiAnswerResponseSchema } from '../../functions/api/api-schemas.js';
import type { DemoQuestion } from './demo-questions.js';
import { BENCH_REQUEST_ID_PREFIX } from './stack-messages.js';

/** The part of the API's response the bench reads (evidence is left out: it is not measured). */
const AnswerResponseSchema = ApiAnswerResponseSchema.pick({
  answer: true,
  abstained: true,
  usage: true,
  timings: true,
});

/** One answered question, checked where it crosses a process boundary (`sequential-client-process.ts`). */
export const AnswerSampleSchema = AnswerResponseSchema.extend({
  requestId: z.string(),
  question: z.object({ question: z.string(), expected: z.string() }),
  /** From sending the request to reading the whole body, in the process that asked. */
  clientMs: z.number(),
});

/** One answered question. */
export type AnswerSample = z.infer<typeof AnswerSampleSchema>;

/** Options of `measureSequentialAnswers`. */
export interface SequentialAnswersOptions {
  readonly url: string;
  readonly apiKey: string;
  readonly questions: readonly DemoQuestion[];
  /** Measured requests (the questions are cycled). */
  readonly count: number;
  /** Requests sent first and not measured. */
  readonly warmup: number;
  /** Distinguishes the request ids of several runs against one stack. */
  readonly runName: string;
}

async function ask(url: string, apiKey: string, question: DemoQuestion, requestId: string): Promise<AnswerSample> {
  const started = performance.now();
  const response = await fetch(`${url}/v1/answer`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', 'x-request-id': requestId },
    body: JSON.stringify({ question: question.question }),
  });
  const body: unknown = await response.json();
  const clientMs = performance.now() - started;
  if (response.status !== 200) throw new Error(`POST /v1/answer: ${response.status} ${JSON.stringify(body)}`);
  const parsed = AnswerResponseSchema.parse(body);
  return { requestId, question, clientMs, ...parsed };
}

/** Asks `warmup + count` questions one after another; returns the measured ones. */
export async function measureSequentialAnswers(options: SequentialAnswersOptions): Promise<AnswerSample[]> {
  const { url, apiKey, questions, runName } = options;
  const samples: AnswerSample[] = [];
  for (let i = 0; i < options.warmup + options.count; i++) {
    const requestId = `${BENCH_REQUEST_ID_PREFIX}${runName}-${i}`;
    const sample = await ask(url, apiKey, questions[i % questions.length]!, requestId);
    if (i >= options.warmup) samples.push(sample);
  }
  return samples;
}
