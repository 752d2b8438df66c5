/**
 * Where a tenant's derived data lives in the BlobStore. Every key starts with `tenants/<tenant>/`, so one tenant's
 * keys never collide with another's. Image and feature keys carry a hash of the image bytes, so a changed image under
 * the same id gets new keys and an unchanged one can be recognised without reading it.
 * @module
 */
import { createHash } from 'node:crypto';
import type { ImageFormat } from '../knowledge/knowledge-item.js';

const EXTENSIONS: Record<ImageFormat, string> = { png: 'png', jpeg: 'jpg', webp: 'webp' };

function shortHash(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex').slice(0, 16);
}

/** Keys of one image item's blobs. */
export interface ImageBlobKeys {
  readonly imageKey: string;
  readonly featuresKey: string;
}

/** The image and cached-feature keys of an image item, for the model version that computed the features. */
export function imageBlobKeys(
  tenant: string,
  id: string,
  image: Uint8Array,
  format: ImageFormat,
  modelVersion: string,
): ImageBlobKeys {
  const imageHash = shortHash(image);
  return {
    imageKey: `tenants/${tenant}/images/${id}/${imageHash}.${EXTENSIONS[format]}`,
    featuresKey: `tenants/${tenant}/features/${id}/${imageHash}-${shortHash(modelVersion)}.f32`,
  };
}

const FEATURES_KEY = /^tenants\/[^/]+\/features\//;

/**
 * Whether a key is one of `imageBlobKeys`' `featuresKey`s. Their bytes are a function of the key (image hash and
 * model version are in it), so a cache of them can never be stale while the key exists.
 */
export function isFeaturesBlobKey(key: string): boolean {
  return FEATURES_KEY.test(key);
}

/** The key of an item's caller-supplied attributes (JSON). */
export function attributesBlobKey(tenant: string, id: string): string {
  return `tenants/${tenant}/attributes/${id}.json`;
}

/** The key of the manifest that lists the items one source document produced. */
export function documentManifestKey(tenant: string, source: string): string {
  return `tenants/${tenant}/documents/${shortHash(source)}.json`;
}
