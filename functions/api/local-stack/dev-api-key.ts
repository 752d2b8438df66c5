/**
 * The dev API key of the local stack: `RABLIP_API_KEY` when set, otherwise one generated on first start and kept in
 * the data dir (mode 0600), so it survives restarts. Only its hash goes into the key store.
 * @module
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ApiKeyStore } from '../../../src/core/ports.js';
import { generateApiKey, hashApiKey } from '../api-key.js';

export const DEV_KEY_FILE = 'dev-api-key';

async function readKeyFile(path: string): Promise<string | undefined> {
  try {
    const key = (await readFile(path, 'utf8')).trim();
    return key === '' ? undefined : key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The key to print, registered for `tenant`. */
export async function ensureDevApiKey(options: {
  readonly fixedKey: string | undefined;
  readonly dataDir: string;
  readonly tenant: string;
  readonly apiKeys: ApiKeyStore;
}): Promise<string> {
  let key = options.fixedKey;
  if (key === undefined) {
    const path = join(options.dataDir, DEV_KEY_FILE);
    key = await readKeyFile(path);
    if (key === undefined) {
      key = generateApiKey();
      await mkdir(options.dataDir, { recursive: true });
      await writeFile(path, `${key}\n`, { mode: 0o600 });
    }
  }
  await options.apiKeys.put(hashApiKey(key), options.tenant);
  return key;
}
