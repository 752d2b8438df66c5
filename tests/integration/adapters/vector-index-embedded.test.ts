import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteDatabase, type SqliteDatabase } from '../../../src/adapters/sqlite-database.js';
import { EmbeddedVectorIndex } from '../../../src/adapters/vector-index-embedded.js';
import { describeVectorIndexContract } from '../../support/contracts/vector-index-contract.js';
import { freshNamespace, imageMetadata, unitVector, vectorRecord } from '../../support/port-factories.js';

const DIMENSIONS = 256;
const dataDir = mkdtempSync(join(tmpdir(), 'embedded-index-'));
let database: SqliteDatabase;
let index: EmbeddedVectorIndex;

beforeAll(() => {
  database = openSqliteDatabase(join(dataDir, 'contract', 'vectors.db'));
  index = new EmbeddedVectorIndex({ database, dimensions: DIMENSIONS });
});

afterAll(() => {
  database.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describeVectorIndexContract('embedded (SQLite + exact search)', () => index, DIMENSIONS);

describe('EmbeddedVectorIndex persistence', () => {
  it('answers the same query after the database is closed and reopened', async () => {
    const file = join(dataDir, 'restart', 'vectors.db');
    const ns = freshNamespace();
    const records = Array.from({ length: 50 }, (_, i) =>
      vectorRecord(`item-${i}`, unitVector(DIMENSIONS, i), imageMetadata()),
    );
    const first = openSqliteDatabase(file);
    const before = new EmbeddedVectorIndex({ database: first, dimensions: DIMENSIONS });
    await before.upsert(ns, records);
    await before.delete(ns, ['item-3']);
    const expected = await before.query(ns, unitVector(DIMENSIONS, 7), 5);
    first.close();

    const second = openSqliteDatabase(file);
    const after = new EmbeddedVectorIndex({ database: second, dimensions: DIMENSIONS });
    expect(await after.query(ns, unitVector(DIMENSIONS, 7), 5)).toEqual(expected);
    expect(expected[0]?.id).toBe('item-7');
    expect(await after.fetch(ns, ['item-3'])).toEqual([]);
    expect((await after.fetch(ns, ['item-9']))[0]?.values).toEqual(unitVector(DIMENSIONS, 9));
    second.close();
  });

  it('sees writes made through another connection to the same file', async () => {
    const file = join(dataDir, 'two-writers', 'vectors.db');
    const ns = freshNamespace();
    const [api, watcher] = [openSqliteDatabase(file), openSqliteDatabase(file)];
    const reader = new EmbeddedVectorIndex({ database: api, dimensions: DIMENSIONS });
    const writer = new EmbeddedVectorIndex({ database: watcher, dimensions: DIMENSIONS });
    await reader.upsert(ns, [vectorRecord('old', unitVector(DIMENSIONS, 1))]);
    expect(await reader.query(ns, unitVector(DIMENSIONS, 2), 5)).toHaveLength(1); // namespace now cached
    await writer.upsert(ns, [vectorRecord('new', unitVector(DIMENSIONS, 2))]);
    await writer.delete(ns, ['old']);
    expect((await reader.query(ns, unitVector(DIMENSIONS, 2), 5)).map((match) => match.id)).toEqual(['new']);
    api.close();
    watcher.close();
  });

  it('returns the new metadata of a re-upserted record, from this connection or another', async () => {
    const file = join(dataDir, 'metadata-cache', 'vectors.db');
    const ns = freshNamespace();
    const [api, watcher] = [openSqliteDatabase(file), openSqliteDatabase(file)];
    const reader = new EmbeddedVectorIndex({ database: api, dimensions: DIMENSIONS });
    const writer = new EmbeddedVectorIndex({ database: watcher, dimensions: DIMENSIONS });
    const query = async () => (await reader.query(ns, unitVector(DIMENSIONS, 1), 1))[0]?.metadata.title;
    await reader.upsert(ns, [vectorRecord('flag', unitVector(DIMENSIONS, 1), imageMetadata({ title: 'first' }))]);
    expect(await query()).toBe('first'); // metadata now cached
    await reader.upsert(ns, [vectorRecord('flag', unitVector(DIMENSIONS, 1), imageMetadata({ title: 'second' }))]);
    expect(await query()).toBe('second');
    await writer.upsert(ns, [vectorRecord('flag', unitVector(DIMENSIONS, 1), imageMetadata({ title: 'third' }))]);
    expect(await query()).toBe('third');
    api.close();
    watcher.close();
  });

  it('refuses a file written with another dimension (bundle_mismatch)', () => {
    const file = join(dataDir, 'dims', 'vectors.db');
    const first = openSqliteDatabase(file);
    new EmbeddedVectorIndex({ database: first, dimensions: DIMENSIONS });
    first.close();
    const second = openSqliteDatabase(file);
    expect(() => new EmbeddedVectorIndex({ database: second, dimensions: 384 })).toThrow(
      expect.objectContaining({ code: 'bundle_mismatch' }),
    );
    second.close();
  });

  it('reports a closed database as backend_unavailable', async () => {
    const closed = openSqliteDatabase(join(dataDir, 'closed', 'vectors.db'));
    const stale = new EmbeddedVectorIndex({ database: closed, dimensions: DIMENSIONS });
    closed.close();
    await expect(stale.query(freshNamespace(), unitVector(DIMENSIONS, 1), 3)).rejects.toMatchObject({
      code: 'backend_unavailable',
    });
  });
});
