/**
 * Which directory `cdk synth` packs into model.tar.gz: the bundle when it exists, the placeholder when it does not,
 * and a clear refusal for a directory that is not a bundle.
 */
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveBundle } from '../../cdk/lib/model-bundle-asset.js';
import { REPO_ROOT } from '../../cdk/lib/rablip-stack.js';
import { removeTemporaryDirectories, temporaryDirectory, writeFixtureBundle } from './synth-stack.js';

const placeholderBundleDir = join(REPO_ROOT, 'cdk/placeholder-bundle');

afterAll(removeTemporaryDirectories);

describe('resolveBundle', () => {
  it('packs an existing bundle and reads its model id and embedding dimension', () => {
    const dir = writeFixtureBundle();
    expect(resolveBundle({ bundleDir: dir, placeholderBundleDir })).toEqual({
      dir: resolve(dir),
      isPlaceholder: false,
      model: { id: 'fixture@1', dEmbed: 256 },
    });
  });

  it('falls back to the placeholder, which holds no manifest, when the bundle directory is missing', () => {
    const info = resolveBundle({ bundleDir: join(tmpdir(), 'no-such-bundle-dir'), placeholderBundleDir });
    expect(info).toEqual({ dir: placeholderBundleDir, isPlaceholder: true });
  });

  it('refuses a directory without a manifest', () => {
    const empty = temporaryDirectory('rablip-empty-');
    expect(() => resolveBundle({ bundleDir: empty, placeholderBundleDir })).toThrow(/no manifest\.json/);
  });
});
