/**
 * A local folder as a DocumentSource (the `./knowledge` folder, the demo knowledge base): keys are `/`-separated
 * paths under the folder, and no key reaches outside it.
 * @module
 */
import { readFile } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import type { DocumentSource } from '../../src/core/pipeline/index.js';

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
}

export function createFolderSource(rootDir: string): DocumentSource {
  const root = resolve(rootDir);
  return {
    async read(key) {
      const path = resolve(root, ...key.split('/'));
      if (!path.startsWith(root + sep)) return undefined;
      try {
        return new Uint8Array(await readFile(path));
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
    },
  };
}
