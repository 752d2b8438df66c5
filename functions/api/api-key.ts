/**
 * API keys: generated as random tokens, stored and looked up only as SHA-256 hex digests.
 * @module
 */
import { createHash, randomBytes } from 'node:crypto';

/** The stored form of a key: its SHA-256 as 64 lowercase hex characters. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** A new key: `rablip_` and 32 bytes of randomness, base64url. */
export function generateApiKey(): string {
  return `rablip_${randomBytes(32).toString('base64url')}`;
}
