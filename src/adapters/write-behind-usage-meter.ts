/**
 * A `UsageMeter` decorator that takes metering off the request path: `record` adds to in-memory sums per tenant and
 * UTC day, and the sums go to the wrapped meter as one increment each, at most `flushAfterMs` later, at `close`, and
 * before every `totals`. For long-lived processes only (the local stack): a frozen Lambda would never flush.
 * @module
 */
import type { UsageMeter, UsageRecord, UsageTotals } from '../core/ports.js';
import { assertUsageRecord, usageDayOf } from './usage-input.js';

/** Options of `WriteBehindUsageMeter`. */
export interface WriteBehindUsageMeterOptions {
  /** The longest a recorded request waits before its increment is written. */
  readonly flushAfterMs: number;
  /** Told about a flush that failed; its sums stay pending and go with the next flush. */
  readonly onFlushError: (error: unknown) => void;
}

/** Sums of the records of one tenant and day not yet written, and an instant of that day for the wrapped meter. */
interface PendingSum {
  readonly record: UsageRecord;
  readonly at: Date;
}

function add(a: UsageRecord, b: UsageRecord): UsageRecord {
  return {
    tenant: a.tenant,
    requests: a.requests + b.requests,
    modelMs: a.modelMs + b.modelMs,
    promptTokens: a.promptTokens + b.promptTokens,
    generatedTokens: a.generatedTokens + b.generatedTokens,
  };
}

/**
 * Write-behind over another meter. Increments are sums, so merging records before writing changes no total; a
 * record is validated at once, so a bad one still fails its caller. On a graceful stop `close` writes what is
 * pending; a crash loses at most the last `flushAfterMs` of metering.
 */
export class WriteBehindUsageMeter implements UsageMeter {
  private readonly inner: UsageMeter;
  private readonly flushAfterMs: number;
  private readonly onFlushError: (error: unknown) => void;
  private pending = new Map<string, PendingSum>();
  private timer: NodeJS.Timeout | undefined;
  /** The flush in progress; flushes run one at a time so that a failed one's sums are re-merged before the next. */
  private flushing: Promise<void> = Promise.resolve();
  private isClosed = false;

  constructor(inner: UsageMeter, options: WriteBehindUsageMeterOptions) {
    if (!Number.isFinite(options.flushAfterMs) || options.flushAfterMs < 0) {
      throw new RangeError(`flushAfterMs must be a finite number >= 0, got ${options.flushAfterMs}`);
    }
    this.inner = inner;
    this.flushAfterMs = options.flushAfterMs;
    this.onFlushError = options.onFlushError;
  }

  /** Records not yet handed to the wrapped meter, as sums per tenant and day (for tests and diagnostics). */
  get pendingSums(): number {
    return this.pending.size;
  }

  async record(usage: UsageRecord, at: Date): Promise<void> {
    if (this.isClosed) return this.inner.record(usage, at);
    assertUsageRecord(usage);
    this.merge({ record: usage, at }, usageDayOf(at));
    this.scheduleFlush();
  }

  /** Writes what is pending first, so that a caller reads its own records. */
  async totals(tenant: string, fromDay: string, toDay: string): Promise<UsageTotals[]> {
    await this.flush();
    return this.inner.totals(tenant, fromDay, toDay);
  }

  /**
   * Hands every pending sum to the wrapped meter.
   * @throws the wrapped meter's error; the sums it did not take stay pending.
   */
  flush(): Promise<void> {
    const run = this.flushing.catch(() => undefined).then(() => this.writePending());
    this.flushing = run;
    return run;
  }

  /** Writes what is pending; later records go straight to the wrapped meter. */
  async close(): Promise<void> {
    this.isClosed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  /**
   * One timer for whatever is pending; a failed timed flush is retried after the same delay. The timer is not
   * `unref`ed: a process that ends without `close` still writes its sums before it exits.
   */
  private scheduleFlush(): void {
    if (this.timer !== undefined || this.isClosed || this.pending.size === 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush().catch((error: unknown) => {
        this.onFlushError(error);
        this.scheduleFlush();
      });
    }, this.flushAfterMs);
  }

  private merge(sum: PendingSum, day: string): void {
    const key = `${sum.record.tenant}\u0000${day}`;
    const existing = this.pending.get(key);
    this.pending.set(key, existing === undefined ? sum : { record: add(existing.record, sum.record), at: existing.at });
  }

  private async writePending(): Promise<void> {
    const batch = this.pending;
    this.pending = new Map();
    const failures: unknown[] = [];
    for (const sum of batch.values()) {
      try {
        await this.inner.record(sum.record, sum.at);
      } catch (error) {
        failures.push(error);
        this.merge(sum, usageDayOf(sum.at));
      }
    }
    if (failures.length > 0) throw failures[0];
  }
}
