/**
 * The SQLite `UsageMeter`: one row per tenant and UTC day, incremented atomically with an upsert.
 * @module
 */
import type { UsageMeter, UsageRecord, UsageTotals } from '../core/ports.js';
import { runSqlite, type SqliteDatabase } from './sqlite-database.js';
import { assertUsageDay, assertUsageRecord, usageDayOf } from './usage-input.js';

/** Per-tenant, per-day counters in the embedded database. */
export class SqliteUsageMeter implements UsageMeter {
  private readonly statements;

  /** Creates the `usage_daily` table if needed. The caller owns (and closes) the database. */
  constructor(database: SqliteDatabase) {
    this.statements = runSqlite('open usage meter', () => {
      database.exec(`CREATE TABLE IF NOT EXISTS usage_daily (
        tenant TEXT NOT NULL,
        day TEXT NOT NULL,
        requests INTEGER NOT NULL,
        model_ms REAL NOT NULL,
        prompt_tokens INTEGER NOT NULL,
        generated_tokens INTEGER NOT NULL,
        PRIMARY KEY (tenant, day)
      )`);
      return {
        // One statement, so concurrent writers (even in other processes) never lose an increment.
        record: database.prepare<[string, string, number, number, number, number]>(
          `INSERT INTO usage_daily (tenant, day, requests, model_ms, prompt_tokens, generated_tokens)
           VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (tenant, day) DO UPDATE SET
             requests = requests + excluded.requests,
             model_ms = model_ms + excluded.model_ms,
             prompt_tokens = prompt_tokens + excluded.prompt_tokens,
             generated_tokens = generated_tokens + excluded.generated_tokens`,
        ),
        totals: database.prepare<[string, string, string], UsageTotals>(
          `SELECT tenant, day, requests, model_ms AS modelMs, prompt_tokens AS promptTokens,
             generated_tokens AS generatedTokens
           FROM usage_daily WHERE tenant = ? AND day BETWEEN ? AND ? ORDER BY day`,
        ),
      };
    });
  }

  async record(usage: UsageRecord, at: Date): Promise<void> {
    assertUsageRecord(usage);
    const day = usageDayOf(at);
    runSqlite('record usage', () =>
      this.statements.record.run(
        usage.tenant,
        day,
        usage.requests,
        usage.modelMs,
        usage.promptTokens,
        usage.generatedTokens,
      ),
    );
  }

  async totals(tenant: string, fromDay: string, toDay: string): Promise<UsageTotals[]> {
    assertUsageDay(fromDay, 'fromDay');
    assertUsageDay(toDay, 'toDay');
    return runSqlite('read usage', () => this.statements.totals.all(tenant, fromDay, toDay));
  }
}
