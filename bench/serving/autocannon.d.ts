/** Types for `autocannon` (which ships none): only what `bench/serving/measure-throughput.ts` uses. */

declare module 'autocannon' {
  interface AutocannonRequest {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string;
  }

  interface AutocannonOptions {
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
  }

  interface AutocannonHistogram {
    average: number;
    p50: number;
    p99: number;
    max: number;
  }

  interface AutocannonResult {
    '2xx': number;
    non2xx: number;
    errors: number;
    timeouts: number;
    /** Seconds, rounded to 10 ms. */
    duration: number;
    /** Milliseconds. */
    latency: AutocannonHistogram;
  }

  function autocannon(options: AutocannonOptions): Promise<AutocannonResult>;
  export default autocannon;
}
