/**
 * The SQLite `ApiKeyStore`: key hashes mapped to tenants.
 * @module
 */
import { AppError } from '../core/errors.js';
import type { ApiKeyStore } from '../core/ports.js';
import { assertKeyHash } from './api-key-hash.js';
import { runSqlite, type SqliteDatabase } from './sqlite-database.js';

/** API key hashes in the embedded database. A hash, once bound to a tenant, is never rebound to another. */
export class SqliteApiKeyStore implements ApiKeyStore {
  private readonly statements;

  /** Creates the `api_keys` table if needed. The caller owns (and closes) the database. */
  constructor(database: SqliteDatabase) {
    this.statements = runSqlite('open API key store', () => {
      database.exec('CREATE TABLE IF NOT EXISTS api_keys (key_hash TEXT PRIMARY KEY, tenant TEXT NOT NULL)');
      return {
        insert: database.prepare<[string, string]>(
          'INSERT INTO api_keys (key_hash, tenant) VALUES (?, ?) ON CONFLICT (key_hash) DO NOTHING',
        ),
        tenantOf: database.prepare<[string], { tenant: string }>('SELECT tenant FROM api_keys WHERE key_hash = ?'),
      };
    });
  }

  async put(keyHash: string, tenant: string): Promise<void> {
    assertKeyHash(keyHash);
    if (tenant.length === 0) throw new AppError('invalid_input', 'an API key needs a tenant');
    const bound = runSqlite('put API key', () => {
      this.statements.insert.run(keyHash, tenant);
      return this.statements.tenantOf.get(keyHash)?.tenant;
    });
    if (bound !== tenant) throw new AppError('invalid_input', 'this API key already belongs to another tenant');
  }

  async tenantOf(keyHash: string): Promise<string | undefined> {
    assertKeyHash(keyHash);
    return runSqlite('read API key', () => this.statements.tenantOf.get(keyHash)?.tenant);
  }
}
