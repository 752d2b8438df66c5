/**
 * The `VectorIndex` contract: every adapter (embedded, Pinecone through the emulator) passes these cases.
 * @module
 */
import { describe, expect, it } from 'vitest';
import { visualNamespace } from '../../../src/core/pipeline/index.js';
import type { VectorIndex } from '../../../src/core/ports.js';
import {
  axisVector,
  dot,
  freshNamespace,
  imageMetadata,
  knowledgeMetadata,
  unitVector,
  vectorRecord,
} from '../port-factories.js';

/** Registers the contract for one adapter. `getIndex` is called inside each test, after the file's `beforeAll`. */
export function describeVectorIndexContract(name: string, getIndex: () => VectorIndex, dimensions: number): void {
  describe(`VectorIndex contract: ${name}`, () => {
    it('returns the nearest vectors by inner product, best first, with their metadata', async () => {
      const index = getIndex();
      const ns = freshNamespace();
      const query = axisVector(dimensions, 0);
      await index.upsert(ns, [
        vectorRecord('far', axisVector(dimensions, 3)),
        vectorRecord('near', axisVector(dimensions, 0, 0.1), imageMetadata()),
        vectorRecord('middle', axisVector(dimensions, 0, 1)),
      ]);
      const matches = await index.query(ns, query, 2);
      expect(matches.map((match) => match.id)).toEqual(['near', 'middle']);
      expect(matches[0]?.score).toBeCloseTo(dot(query, axisVector(dimensions, 0, 0.1)), 5);
      expect(matches[0]?.metadata).toEqual(imageMetadata());
    });

    it('keeps tenants apart: a namespace never returns or fetches another namespace’s vectors', async () => {
      const index = getIndex();
      const [a, b] = [freshNamespace('a'), freshNamespace('b')];
      const shared = unitVector(dimensions, 1);
      await index.upsert(a, [vectorRecord('a-only', shared, knowledgeMetadata({ content: 'A' }))]);
      await index.upsert(b, [vectorRecord('b-only', shared, knowledgeMetadata({ content: 'B' }))]);
      expect((await index.query(a, shared, 10)).map((match) => match.id)).toEqual(['a-only']);
      expect((await index.query(b, shared, 10)).map((match) => match.id)).toEqual(['b-only']);
      expect(await index.fetch(b, ['a-only'])).toEqual([]);
      await index.delete(b, ['a-only']);
      expect(await index.fetch(a, ['a-only'])).toHaveLength(1);
    });

    it('takes a visual namespace (`<tenant>#pixels`) through every call, apart from the tenant’s own', async () => {
      const index = getIndex();
      const tenant = freshNamespace('t');
      const visual = visualNamespace(tenant);
      const key = unitVector(dimensions, 2);
      await index.upsert(tenant, [vectorRecord('item', key, imageMetadata())]);
      await index.upsert(visual, [vectorRecord('item', key, imageMetadata())]);
      expect((await index.query(visual, key, 1))[0]).toMatchObject({ id: 'item', metadata: imageMetadata() });
      expect(await index.fetch(visual, ['item'])).toHaveLength(1);
      await index.delete(visual, ['item']);
      expect(await index.fetch(visual, ['item'])).toEqual([]);
      expect(await index.query(visual, key, 1)).toEqual([]);
      expect(await index.fetch(tenant, ['item'])).toHaveLength(1);
    });

    it('replaces a record on re-upsert of its id, without duplicates', async () => {
      const index = getIndex();
      const ns = freshNamespace();
      await index.upsert(ns, [vectorRecord('item', axisVector(dimensions, 1), knowledgeMetadata({ content: 'old' }))]);
      await index.upsert(ns, [vectorRecord('item', axisVector(dimensions, 2), knowledgeMetadata({ content: 'new' }))]);
      await index.upsert(ns, [vectorRecord('item', axisVector(dimensions, 2), knowledgeMetadata({ content: 'new' }))]);
      const matches = await index.query(ns, axisVector(dimensions, 2), 10);
      expect(matches).toHaveLength(1);
      expect(matches[0]).toMatchObject({ id: 'item', metadata: { content: 'new' } });
      expect(matches[0]?.score).toBeCloseTo(1, 5);
    });

    it('fetches records in the order asked, with exact float32 values, skipping missing ids', async () => {
      const index = getIndex();
      const ns = freshNamespace();
      const [first, second] = [unitVector(dimensions, 11), unitVector(dimensions, 12)];
      await index.upsert(ns, [vectorRecord('first', first), vectorRecord('second', second, imageMetadata())]);
      const records = await index.fetch(ns, ['second', 'missing', 'first']);
      expect(records.map((record) => record.id)).toEqual(['second', 'first']);
      expect(records[0]?.values).toEqual(second);
      expect(records[0]?.metadata).toEqual(imageMetadata());
      expect(records[1]?.values).toEqual(first);
      expect(records[1]?.metadata).toEqual(knowledgeMetadata());
      expect(records[1]?.metadata).not.toHaveProperty('title');
    });

    it('deletes by id; deleting absent ids or from an unknown namespace is a no-op', async () => {
      const index = getIndex();
      const ns = freshNamespace();
      await index.upsert(ns, [
        vectorRecord('keep', unitVector(dimensions, 3)),
        vectorRecord('drop', unitVector(dimensions, 4)),
      ]);
      await index.delete(ns, ['drop', 'never-existed']);
      expect((await index.query(ns, unitVector(dimensions, 4), 10)).map((match) => match.id)).toEqual(['keep']);
      expect(await index.fetch(ns, ['drop'])).toEqual([]);
      await expect(index.delete(freshNamespace('empty'), ['x'])).resolves.toBeUndefined();
      await expect(index.delete(ns, [])).resolves.toBeUndefined();
    });

    it('answers an empty list for an unknown namespace, and all records when topK exceeds the count', async () => {
      const index = getIndex();
      expect(await index.query(freshNamespace('empty'), unitVector(dimensions, 5), 5)).toEqual([]);
      expect(await index.fetch(freshNamespace('empty'), ['x'])).toEqual([]);
      const ns = freshNamespace();
      await index.upsert(ns, [
        vectorRecord('one', unitVector(dimensions, 6)),
        vectorRecord('two', unitVector(dimensions, 7)),
      ]);
      expect(await index.query(ns, unitVector(dimensions, 6), 50)).toHaveLength(2);
    });

    it('upserts, fetches and deletes more records in one call than one backend request carries', async () => {
      const index = getIndex();
      const ns = freshNamespace();
      const records = Array.from({ length: 1100 }, (_, i) =>
        vectorRecord(`bulk-${i}`, unitVector(dimensions, 100 + i)),
      );
      await index.upsert(ns, records);
      const top = await index.query(ns, unitVector(dimensions, 100 + 1034), 1000);
      expect(top).toHaveLength(1000);
      expect(top[0]?.id).toBe('bulk-1034');
      // Most ids absent: the fetch crosses the 1,000-id request limit without moving 1,100 vectors back.
      const sample = ['bulk-0', 'bulk-399', 'bulk-400', 'bulk-799', 'bulk-800', 'bulk-1099'];
      const absent = Array.from({ length: 1000 }, (_, i) => `absent-${i}`);
      const fetched = await index.fetch(ns, [...absent, ...sample]);
      expect(fetched.map((record) => record.id)).toEqual(sample);
      await index.delete(
        ns,
        records.map((record) => record.id),
      );
      expect(await index.query(ns, unitVector(dimensions, 100), 10)).toEqual([]);
    });

    it('rejects wrong dimensions, a bad topK, an empty namespace and duplicate ids with invalid_input', async () => {
      const index = getIndex();
      const ns = freshNamespace();
      const invalid = { code: 'invalid_input' };
      await expect(index.upsert(ns, [vectorRecord('short', unitVector(dimensions - 1, 1))])).rejects.toMatchObject(
        invalid,
      );
      await expect(index.query(ns, unitVector(dimensions + 1, 1), 3)).rejects.toMatchObject(invalid);
      await expect(index.query(ns, unitVector(dimensions, 1), 0)).rejects.toMatchObject(invalid);
      await expect(index.query(ns, unitVector(dimensions, 1), 2.5)).rejects.toMatchObject(invalid);
      await expect(index.query(ns, unitVector(dimensions, 1), 1001)).rejects.toMatchObject(invalid);
      await expect(index.query('', unitVector(dimensions, 1), 3)).rejects.toMatchObject(invalid);
      const twice = vectorRecord('twice', unitVector(dimensions, 2));
      await expect(index.upsert(ns, [twice, twice])).rejects.toMatchObject(invalid);
      expect(await index.fetch(ns, ['short', 'twice'])).toEqual([]);
    });
  });
}
