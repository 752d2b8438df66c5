/**
 * The `image` field of a knowledge line: a path relative to the knowledge file, a data URL, or bare base64.
 * @module
 */
import type { SiblingReader } from './document-context.js';

const DATA_URL = /^data:image\/(?:png|jpeg|jpg|webp);base64,/i;
/** Base64 has no '.', so a value ending in an image extension is a path (spaces allowed: `my photo.png`). */
const IMAGE_PATH = /^.{1,1024}\.(?:png|jpe?g|webp)$/is;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Why an image reference could not be resolved; the parser turns it into a rejected line. */
export class ImageReferenceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImageReferenceError';
  }
}

/** Decodes base64 (standard alphabet, whitespace allowed), refusing anything that is not base64. */
export function decodeBase64(value: string): Uint8Array {
  const compact = value.replace(/\s+/g, '');
  if (compact.length === 0 || compact.length % 4 === 1 || !BASE64.test(compact)) {
    throw new ImageReferenceError('image is neither a relative .png/.jpg/.webp path nor valid base64');
  }
  return new Uint8Array(Buffer.from(compact, 'base64'));
}

/** True for a relative path that stays inside the document's folder. */
function isContainedPath(path: string): boolean {
  return !path.startsWith('/') && !path.includes('\\') && !path.split('/').includes('..');
}

/**
 * The bytes an `image` field refers to.
 * @throws ImageReferenceError when the path escapes the folder, the file is missing, or base64 is malformed.
 */
export async function resolveImageReference(value: string, readSibling?: SiblingReader): Promise<Uint8Array> {
  if (DATA_URL.test(value)) return decodeBase64(value.slice(value.indexOf(',') + 1));
  if (IMAGE_PATH.test(value)) {
    if (readSibling === undefined) {
      throw new ImageReferenceError(`image path "${value}" can only be used in a knowledge file; send base64`);
    }
    if (!isContainedPath(value)) throw new ImageReferenceError(`image path "${value}" leaves the folder`);
    const bytes = await readSibling(value);
    if (bytes === undefined) throw new ImageReferenceError(`image file "${value}" not found beside the document`);
    return bytes;
  }
  return decodeBase64(value);
}
