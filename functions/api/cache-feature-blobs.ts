/**
 * The blob store as the composition roots hand it out: the configured backend behind an in-memory LRU of cached ViT
 * feature blobs, which the answer path reads for every image reference of every request.
 * @module
 */
import { CachedBlobStore } from '../../src/adapters/cached-blob-store.js';
import type { Config } from '../../src/core/config.js';
import { isFeaturesBlobKey } from '../../src/core/pipeline/index.js';
import type { BlobStore } from '../../src/core/ports.js';

/**
 * `blobs` with feature blobs cached up to `RABLIP_FEATURE_CACHE_MB`. Only feature keys are cached: their bytes are
 * fixed by the key, so another process (the ingest Lambda, the watcher, a CLI) writing the same store cannot make
 * them stale. Images (read only to show them) and attributes (rewritable under one key) go to the store every time.
 */
export function cacheFeatureBlobs(blobs: BlobStore, config: Config): BlobStore {
  const maxBytes = config.blobs.featureCacheBytes;
  return maxBytes === 0 ? blobs : new CachedBlobStore(blobs, { maxBytes, isCacheable: isFeaturesBlobKey });
}
