/**
 * An in-memory ApiKeyStore for unit tests of logic.
 * @module
 */
import type { ApiKeyStore } from '../../../src/core/ports.js';

export class MemoryApiKeyStore implements ApiKeyStore {
  readonly tenants = new Map<string, string>();

  async put(keyHash: string, tenant: string): Promise<void> {
    this.tenants.set(keyHash, tenant);
  }

  async tenantOf(keyHash: string): Promise<string | undefined> {
    return this.tenants.get(keyHash);
  }
}
