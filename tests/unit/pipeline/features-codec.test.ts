import { describe, expect, it } from 'vitest';
import { decodeImageFeatures, encodeImageFeatures } from '../../../src/core/pipeline/index.js';

/** `[n_patch, d_vit]` features with values that are exact in float32 and distinct per position. */
function features(nPatch: number, dVit: number) {
  const data = Float32Array.from({ length: nPatch * dVit }, (_, i) => (i % 2 === 0 ? 1 : -1) * (i / 8 + 0.5));
  return { dims: [nPatch, dVit] as const, data };
}

describe('features codec', () => {
  it('writes the documented layout: "RAVF", version 1, n_patch, d_vit, then float32 little-endian', () => {
    const bytes = encodeImageFeatures(features(2, 3));
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    expect(new TextDecoder().decode(bytes.subarray(0, 4))).toBe('RAVF');
    expect([view.getUint32(4, true), view.getUint32(8, true), view.getUint32(12, true)]).toEqual([1, 2, 3]);
    expect(bytes.byteLength).toBe(16 + 6 * 4);
    expect(Array.from({ length: 6 }, (_, i) => view.getFloat32(16 + i * 4, true))).toEqual([
      0.5, -0.625, 0.75, -0.875, 1, -1.125,
    ]);
  });

  it('round-trips, also from a blob that is not 4-byte aligned in its buffer, and from a subarray view', () => {
    const original = features(65, 192);
    const encoded = encodeImageFeatures(original);
    const unaligned = new Uint8Array(encoded.byteLength + 3);
    unaligned.set(encoded, 3);
    for (const bytes of [encoded, unaligned.subarray(3)]) {
      const decoded = decodeImageFeatures(bytes);
      expect(decoded.dims).toEqual([65, 192]);
      expect(decoded.data).toEqual(original.data);
      expect(decoded.data.buffer).not.toBe(bytes.buffer); // a copy: the caller may reuse the blob's buffer
    }
    const fromView = encodeImageFeatures({ dims: [1, 2], data: original.data.subarray(4, 6) });
    expect(decodeImageFeatures(fromView).data).toEqual(original.data.subarray(4, 6));
  });

  it('refuses a blob of another format or cut short', () => {
    const encoded = encodeImageFeatures(features(2, 3));
    expect(() => decodeImageFeatures(encoded.subarray(0, encoded.byteLength - 4))).toThrow(/not 2x3/);
    const wrongMagic = encoded.slice();
    wrongMagic[0] = 0;
    expect(() => decodeImageFeatures(wrongMagic)).toThrow(/unknown format/);
  });
});
