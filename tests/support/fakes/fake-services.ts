/**
 * The pipeline's ports, all faked in memory, for unit tests of logic.
 * @module
 */
import { FakeModelClient, type FakeModelOptions } from './fake-model-client.js';
import { MemoryBlobStore } from './memory-blob-store.js';
import { MemoryJobStore } from './memory-job-store.js';
import { MemoryVectorIndex } from './memory-vector-index.js';

export interface FakeServices {
  readonly model: FakeModelClient;
  readonly index: MemoryVectorIndex;
  readonly blobs: MemoryBlobStore;
  readonly jobs: MemoryJobStore;
  readonly now: () => Date;
}

export function fakeServices(model: FakeModelOptions = {}): FakeServices {
  return {
    model: new FakeModelClient(model),
    index: new MemoryVectorIndex(),
    blobs: new MemoryBlobStore(),
    jobs: new MemoryJobStore(),
    now: () => new Date('2026-11-26T12:00:00.000Z'),
  };
}
