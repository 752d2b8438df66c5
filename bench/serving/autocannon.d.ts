/** Types for `autocannon` (which ships none): only what `bench/serving/measure-throughput.ts` uses. */

declare module 'autocannon' {
  export interface AutocannonRequest {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string;
  }

  export interface AutocannonOptions {
    url: string;
    /** Concurrent connections. */
    connections?: number;
    /** Requests per connection in flight at once. */
    pipelining?: number;
    /** Total requests to send; the run ends when they are answered (overrides `duration`). */
    amount?: number;
    /** Seconds, when `amount` is not set. */
    duration?: number;
    /** Seconds before a request counts as timed out. */
    timeout?: number;
    /** Cycled through by every connection. */
    requests?: AutocannonRequest[];
    /**
     * Milliseconds between samples. A run also ends only on a sample, so with the default (1000) a run with `amount`
     * lasts a whole number of seconds.
     */
    sampleInt?: number;
  }

  export interface AutocannonHistogram {
    average: number;
    p50: number;
    p99: number;
    max: number;
  }

  export interface AutocannonResult {
    '2xx': number;
    non2xx: number;
    errors: number;
    timeouts: number;
    /** Seconds, rounded to 10 ms. */
    duration: number;
    /** Milliseconds. */
    latency: AutocannonHistogram;
  }

  /** A running benchmark; emits `response` once per response. */
  export interface AutocannonInstance {
    on(event: 'response', listener: (client: unknown, statusCode: number) => void): this;
  }

  function autocannon(options: AutocannonOptions): Promise<AutocannonResult>;
  function autocannon(
    options: AutocannonOptions,
    callback: (error: Error | null, result: AutocannonResult) => void,
  ): AutocannonInstance;
  export default autocannon;
}
