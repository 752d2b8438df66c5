/**
 * The one form an API key takes in an `ApiKeyStore`: its SHA-256 hash as 64 lowercase hex characters.
 * @module
 */
import { AppError } from '../core/errors.js';

/**
 * Rejects anything that is not a SHA-256 hex digest, so a raw key can never be stored by mistake.
 * The domain hashes keys (`createHash('sha256').update(key).digest('hex')`) before calling the store.
 */
export function assertKeyHash(keyHash: string): void {
  if (!/^[0-9a-f]{64}$/.test(keyHash)) {
    throw new AppError('invalid_input', 'API keys are stored as SHA-256 hex digests (64 lowercase hex characters)');
  }
}
