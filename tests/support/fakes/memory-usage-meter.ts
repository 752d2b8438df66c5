/**
 * An in-memory UsageMeter for unit tests of logic: per-tenant, per-UTC-day totals.
 * @module
 */
import type { UsageMeter, UsageRecord, UsageTotals } from '../../../src/core/ports.js';

export class MemoryUsageMeter implements UsageMeter {
  readonly records: { usage: UsageRecord; at: Date }[] = [];

  async record(usage: UsageRecord, at: Date): Promise<void> {
    this.records.push({ usage, at });
  }

  async totals(tenant: string, fromDay: string, toDay: string): Promise<UsageTotals[]> {
    const byDay = new Map<string, UsageTotals>();
    for (const { usage, at } of this.records) {
      const day = at.toISOString().slice(0, 10);
      if (usage.tenant !== tenant || day < fromDay || day > toDay) continue;
      const sum = byDay.get(day) ?? { tenant, day, requests: 0, modelMs: 0, promptTokens: 0, generatedTokens: 0 };
      byDay.set(day, {
        ...sum,
        requests: sum.requests + usage.requests,
        modelMs: sum.modelMs + usage.modelMs,
        promptTokens: sum.promptTokens + usage.promptTokens,
        generatedTokens: sum.generatedTokens + usage.generatedTokens,
      });
    }
    return [...byDay.values()].sort((a, b) => a.day.localeCompare(b.day));
  }
}
