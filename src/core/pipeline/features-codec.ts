/**
 * The blob format of cached ViT features: a 16-byte header (magic "RAVF", format version, n_patch, d_vit; uint32
 * little-endian) followed by `[n_patch, d_vit]` float32 little-endian, row-major.
 * @module
 */
import { AppError } from '../errors.js';
import type { ImageFeatures } from '../ports.js';

const MAGIC = 0x46564152; // "RAVF" read as a little-endian uint32
const VERSION = 1;
const HEADER_BYTES = 16;
/** On a little-endian host the float32 payload is copied as bytes; elsewhere it is read value by value. */
const IS_LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** Serialises `[n_patch, d_vit]` features for the BlobStore. */
export function encodeImageFeatures(features: ImageFeatures): Uint8Array {
  const [nPatch, dVit] = features.dims;
  if (features.data.length !== nPatch * dVit) {
    throw new Error(`features hold ${features.data.length} floats, dims say ${nPatch}x${dVit}`);
  }
  const bytes = new Uint8Array(HEADER_BYTES + features.data.length * 4);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, VERSION, true);
  view.setUint32(8, nPatch, true);
  view.setUint32(12, dVit, true);
  if (IS_LITTLE_ENDIAN) {
    bytes.set(new Uint8Array(features.data.buffer, features.data.byteOffset, features.data.byteLength), HEADER_BYTES);
  } else {
    features.data.forEach((value, i) => view.setFloat32(HEADER_BYTES + i * 4, value, true));
  }
  return bytes;
}

/**
 * Reads features written by `encodeImageFeatures`.
 * @throws AppError `backend_unavailable` when the blob is not a features blob or is cut short.
 */
export function decodeImageFeatures(bytes: Uint8Array): ImageFeatures {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < HEADER_BYTES || view.getUint32(0, true) !== MAGIC || view.getUint32(4, true) !== VERSION) {
    throw new AppError('backend_unavailable', 'cached features blob has an unknown format');
  }
  const nPatch = view.getUint32(8, true);
  const dVit = view.getUint32(12, true);
  if (bytes.length !== HEADER_BYTES + nPatch * dVit * 4) {
    throw new AppError('backend_unavailable', `cached features blob is ${bytes.length} bytes, not ${nPatch}x${dVit}`);
  }
  const data = new Float32Array(nPatch * dVit);
  if (IS_LITTLE_ENDIAN) {
    // A byte copy into the fresh (aligned) array: the blob's payload need not be 4-byte aligned in its buffer.
    new Uint8Array(data.buffer).set(bytes.subarray(HEADER_BYTES));
  } else {
    for (let i = 0; i < data.length; i += 1) data[i] = view.getFloat32(HEADER_BYTES + i * 4, true);
  }
  return { dims: [nPatch, dVit], data };
}
