/**
 * The filesystem `BlobStore`: one file per key under a root directory (the local stack's data dir).
 * @module
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { AppError, NotFoundError } from '../core/errors.js';
import type { BlobStore } from '../core/ports.js';
import { parseBlobKey } from './blob-key.js';

/** Options of `FsBlobStore`. */
export interface FsBlobStoreOptions {
  /** Directory that holds the blobs; created on the first write. */
  readonly rootDir: string;
}

/**
 * Blobs as files. Each key segment is percent-encoded into one path segment, after `parseBlobKey` has rejected `..`
 * and friends, so no key can reach outside `rootDir`. Writes go to a temporary file and are renamed into place, so a
 * reader never sees half a blob. The content type is not kept: `get` returns bytes only.
 */
export class FsBlobStore implements BlobStore {
  private readonly rootDir: string;

  constructor(options: FsBlobStoreOptions) {
    this.rootDir = resolve(options.rootDir);
  }

  async put(key: string, bytes: Uint8Array, _contentType: string): Promise<void> {
    const path = this.pathOf(key);
    // '#' never appears in an encoded segment, so the temporary name cannot collide with another key's file.
    const temporary = join(dirname(path), `.#${randomUUID()}`);
    try {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(temporary, bytes);
      await rename(temporary, path);
    } catch (error) {
      await rm(temporary, { force: true }).catch(() => undefined);
      throw translateFsError(error, `put ${key}`);
    }
  }

  async get(key: string): Promise<Uint8Array> {
    try {
      const buffer = await readFile(this.pathOf(key));
      return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    } catch (error) {
      // A directory at the path means other keys share this prefix; this key itself is absent, as on S3.
      if (hasCode(error, 'ENOENT') || hasCode(error, 'EISDIR') || hasCode(error, 'ENOTDIR')) {
        throw new NotFoundError(`no blob at ${key}`, { cause: error });
      }
      throw translateFsError(error, `get ${key}`);
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await unlink(this.pathOf(key));
    } catch (error) {
      // Already absent, or only other keys live under this prefix: nothing to delete.
      if (hasCode(error, 'ENOENT') || hasCode(error, 'EISDIR') || hasCode(error, 'ENOTDIR')) return;
      throw translateFsError(error, `delete ${key}`);
    }
  }

  private pathOf(key: string): string {
    const path = join(this.rootDir, ...parseBlobKey(key).map(encodeURIComponent));
    if (!path.startsWith(this.rootDir + sep)) {
      throw new AppError('invalid_input', `blob key ${JSON.stringify(key)} leaves the store`);
    }
    return path;
  }
}

function hasCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === code;
}

/** A key that collides with the directory of other keys (or is too long for the filesystem) is the caller's error. */
function translateFsError(error: unknown, action: string): AppError {
  if (error instanceof AppError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  if (['EISDIR', 'ENOTDIR', 'EEXIST', 'ENAMETOOLONG'].some((code) => hasCode(error, code))) {
    return new AppError('invalid_input', `blob ${action} failed: ${detail}`, { cause: error });
  }
  return new AppError('backend_unavailable', `blob ${action} failed: ${detail}`, { cause: error });
}
