/**
 * Dynamic micro-batching: concurrent calls are collected for a short window (or until `maxBatch`) and run as one
 * batch, so that several `generate` requests share each decoder call. One batch runs at a time; calls that arrive
 * meanwhile form the next batch, which starts as soon as the running one ends.
 * @module
 */

/** Options of `MicroBatcher`. */
export interface MicroBatcherOptions {
  /** Most calls per batch. @default 8 */
  readonly maxBatch?: number;
  /** How long the first call of a batch waits for company, in ms. @default 5 */
  readonly windowMs?: number;
}

interface Pending<Req, Res> {
  readonly request: Req;
  resolve(result: Res): void;
  reject(error: unknown): void;
}

/**
 * Runs `runBatch` over groups of submitted requests. `runBatch` returns one result per request, in order. When a
 * batch of several fails, each of its requests is retried alone, so that one bad request fails only itself.
 */
export class MicroBatcher<Req, Res> {
  private readonly runBatch: (requests: Req[]) => Promise<Res[]>;
  private readonly maxBatch: number;
  private readonly windowMs: number;
  private queue: Pending<Req, Res>[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private isRunning = false;

  constructor(runBatch: (requests: Req[]) => Promise<Res[]>, options: MicroBatcherOptions = {}) {
    this.runBatch = runBatch;
    this.maxBatch = options.maxBatch ?? 8;
    this.windowMs = options.windowMs ?? 5;
    if (!Number.isInteger(this.maxBatch) || this.maxBatch < 1) throw new RangeError('maxBatch must be an integer >= 1');
    if (!(this.windowMs >= 0)) throw new RangeError('windowMs must be >= 0');
  }

  /** Resolves with this request's result once its batch has run. */
  submit(request: Req): Promise<Res> {
    return new Promise<Res>((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      if (this.queue.length >= this.maxBatch) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.windowMs);
    });
  }

  private flush(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.isRunning || this.queue.length === 0) return;
    const batch = this.queue.splice(0, this.maxBatch);
    this.isRunning = true;
    void this.run(batch).finally(() => {
      this.isRunning = false;
      if (this.queue.length > 0) this.flush();
    });
  }

  private async run(batch: Pending<Req, Res>[]): Promise<void> {
    try {
      const results = await this.runBatch(batch.map((p) => p.request));
      if (results.length !== batch.length)
        throw new Error(`batch of ${batch.length} returned ${results.length} results`);
      batch.forEach((p, i) => p.resolve(results[i]!));
    } catch (err) {
      if (batch.length === 1) {
        batch[0]!.reject(err);
        return;
      }
      for (const p of batch) await this.run([p]);
    }
  }
}
