/**
 * The local stack serves a trained bundle or nothing: without `manifest.json` it stops with instructions.
 * @module
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';

/** Why the stack cannot start, in words for the person who ran `npm start`. */
export class MissingBundleError extends Error {
  constructor(bundleDir: string) {
    super(
      [
        `No trained model bundle at ${bundleDir} (manifest.json is missing).`,
        'The local stack never serves untrained weights. Train the demo bundle first:',
        '',
        '  npm run train',
        '',
        'or point RABLIP_BUNDLE_DIR at a trained bundle directory.',
      ].join('\n'),
    );
    this.name = 'MissingBundleError';
  }
}

/** @throws MissingBundleError when `bundleDir/manifest.json` does not exist. */
export async function requireTrainedBundle(bundleDir: string): Promise<void> {
  try {
    await access(join(bundleDir, 'manifest.json'));
  } catch {
    throw new MissingBundleError(bundleDir);
  }
}
