/**
 * Usage days and usage records as every `UsageMeter` accepts them.
 * @module
 */
import { AppError } from '../core/errors.js';
import type { UsageRecord } from '../core/ports.js';

/** The UTC day of an instant, `YYYY-MM-DD`. */
export function usageDayOf(at: Date): string {
  if (Number.isNaN(at.getTime())) throw new AppError('invalid_input', 'usage time is not a valid date');
  return at.toISOString().slice(0, 10);
}

/** A day is `YYYY-MM-DD` and a real calendar date (so string order is date order). */
export function assertUsageDay(day: string, label: string): void {
  const isCalendarDay =
    /^\d{4}-\d{2}-\d{2}$/.test(day) && new Date(`${day}T00:00:00Z`).toISOString().slice(0, 10) === day;
  if (!isCalendarDay) throw new AppError('invalid_input', `${label} must be a UTC day YYYY-MM-DD, got ${day}`);
}

/** A record names a tenant and carries finite, non-negative amounts. */
export function assertUsageRecord(usage: UsageRecord): void {
  if (usage.tenant.length === 0) throw new AppError('invalid_input', 'usage record has no tenant');
  const amounts = [usage.requests, usage.modelMs, usage.promptTokens, usage.generatedTokens];
  if (!amounts.every((amount) => Number.isFinite(amount) && amount >= 0)) {
    throw new AppError('invalid_input', `usage amounts must be finite and non-negative: ${JSON.stringify(usage)}`);
  }
}
