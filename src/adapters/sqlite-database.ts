/**
 * Opening the embedded SQLite database, and the one place that turns SQLite failures into `AppError`s.
 * @module
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { AppError } from '../core/errors.js';

/** A better-sqlite3 connection, as the SQLite adapters take it. */
export type SqliteDatabase = Database.Database;

/**
 * Opens (creating if needed) one SQLite file, in WAL mode so readers never block the single writer.
 * The caller owns the handle and closes it.
 */
export function openSqliteDatabase(filePath: string): SqliteDatabase {
  mkdirSync(dirname(filePath), { recursive: true });
  const db = new Database(filePath);
  db.pragma('journal_mode = WAL');
  // A second process (the ingest watcher, a CLI) may hold the write lock for a moment.
  db.pragma('busy_timeout = 5000');
  db.pragma('synchronous = NORMAL');
  return db;
}

/**
 * Runs one SQLite operation; any failure other than an `AppError` (busy, disk full, a closed handle) becomes
 * `backend_unavailable`, naming the action.
 */
export function runSqlite<T>(action: string, operation: () => T): T {
  try {
    return operation();
  } catch (error) {
    if (error instanceof AppError) throw error;
    const detail = error instanceof Error ? error.message : String(error);
    throw new AppError('backend_unavailable', `SQLite ${action} failed: ${detail}`, { cause: error });
  }
}
