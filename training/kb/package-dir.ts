/**
 * Finds an installed npm package's folder, even when its `exports` map hides `package.json` (simple-icons does).
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** Installed package folder and version. */
export interface InstalledPackage {
  readonly dir: string;
  readonly version: string;
  readonly licence: string;
}

function resolveEntry(name: string): string {
  try {
    return require.resolve(`${name}/package.json`);
  } catch {
    // An `exports` map that hides package.json: start from the main entry and walk up.
    return require.resolve(name);
  }
}

/** Resolves a package by name from this file's location; throws when it is not installed. */
export function resolveInstalledPackage(name: string): InstalledPackage {
  let dir = dirname(resolveEntry(name));
  for (;;) {
    const manifestPath = join(dir, 'package.json');
    if (existsSync(manifestPath)) {
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
        name?: string;
        version?: string;
        license?: string;
        licenses?: { type: string }[];
      };
      if (manifest.name === name) {
        const licence = manifest.license ?? manifest.licenses?.map((l) => l.type).join(' OR ') ?? 'unknown';
        return { dir, version: manifest.version ?? 'unknown', licence };
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`package ${name} is not installed`);
    dir = parent;
  }
}
