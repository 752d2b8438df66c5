/**
 * The rules a `BlobStore` key follows on every backend, so a key that works on S3 works on the filesystem too.
 * @module
 */
import { AppError } from '../core/errors.js';

/** S3's limit on a key, in UTF-8 bytes. */
const MAX_KEY_BYTES = 1024;

/**
 * Checks a key and returns its `/`-separated segments. Rejected with `invalid_input`: an empty key, one over 1,024
 * bytes, a leading or doubled `/`, a `.` or `..` segment, a backslash, or a control character. This is what keeps the
 * filesystem store inside its root.
 */
export function parseBlobKey(key: string): string[] {
  if (key.length === 0 || Buffer.byteLength(key) > MAX_KEY_BYTES) {
    throw new AppError('invalid_input', `blob key must be 1-${MAX_KEY_BYTES} bytes`);
  }
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is rejected here
  if (/[\u0000-\u001f\u007f\\]/.test(key)) {
    throw new AppError('invalid_input', `blob key ${JSON.stringify(key)} holds a control character or a backslash`);
  }
  const segments = key.split('/');
  if (segments.some((segment) => segment === '' || segment === '.' || segment === '..')) {
    throw new AppError('invalid_input', `blob key ${JSON.stringify(key)} has an empty, "." or ".." segment`);
  }
  return segments;
}
