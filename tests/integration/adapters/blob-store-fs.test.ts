import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FsBlobStore } from '../../../src/adapters/blob-store-fs.js';
import { describeBlobStoreContract } from '../../support/contracts/blob-store-contract.js';

const sandbox = mkdtempSync(join(tmpdir(), 'fs-blobs-'));
const rootDir = join(sandbox, 'data', 'blobs');
const store = new FsBlobStore({ rootDir });

afterAll(() => rmSync(sandbox, { recursive: true, force: true }));

describeBlobStoreContract('filesystem', () => store);

describe('FsBlobStore on disk', () => {
  it('writes nothing outside its root, whatever the key', async () => {
    for (const key of ['../escape.bin', '../../escape.bin', 'a/../../escape.bin', '/tmp/escape.bin']) {
      await store.put(key, Uint8Array.from([1]), 'application/octet-stream').catch(() => undefined);
    }
    expect(readdirSync(sandbox)).toEqual(['data']);
    expect(readdirSync(join(sandbox, 'data'))).toEqual(['blobs']);
    expect(existsSync('/tmp/escape.bin')).toBe(false);
  });

  it('keeps blobs across store instances (the data dir survives restarts)', async () => {
    await store.put('tenant/keep.bin', Uint8Array.from([4, 2]), 'application/octet-stream');
    expect(await new FsBlobStore({ rootDir }).get('tenant/keep.bin')).toEqual(Uint8Array.from([4, 2]));
  });

  it('leaves no temporary files behind', async () => {
    await store.put('tenant/tidy/one.bin', Uint8Array.from([1]), 'application/octet-stream');
    expect(readdirSync(join(rootDir, 'tenant', 'tidy'))).toEqual(['one.bin']);
  });

  it('rejects a key whose prefix is already a blob, as invalid_input', async () => {
    await store.put('tenant/file.bin', Uint8Array.from([1]), 'application/octet-stream');
    await expect(
      store.put('tenant/file.bin/child.bin', Uint8Array.from([1]), 'application/octet-stream'),
    ).rejects.toMatchObject({
      code: 'invalid_input',
    });
    await expect(store.get('tenant/file.bin/child.bin')).rejects.toMatchObject({ code: 'not_found' });
  });
});
