/**
 * Which bundle the serving bench serves: the trained demo bundle `models/ra-blip-mini/` when it is there and loads,
 * otherwise the random-weight demo-size bundle `build/bench-bundle/`, exported from `training/configs/demo.json` when
 * it is absent, from another config, or refused by the runtime (as the model section does).
 * @module
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  PYTHON,
  RANDOM_BUNDLE,
  REPO_ROOT as ROOT,
  ensureRandomDemoBundle,
  refusalReason,
} from '../random-demo-bundle.js';

/** The trained demo bundle, relative to the repository root. */
export const TRAINED_BUNDLE = 'models/ra-blip-mini';
export { RANDOM_BUNDLE };

/** The bundle the stack serves. */
export interface ServingBundle {
  /** Relative to the repository root. */
  readonly dir: string;
  readonly isTrained: boolean;
  /** In words, for the report. */
  readonly description: string;
}

/** Whether a bundle can be had here at all: the trained one, the random one, or Python to export it. */
export function hasBundleSource(): boolean {
  return (
    [TRAINED_BUNDLE, RANDOM_BUNDLE].some((dir) => existsSync(join(ROOT, dir, 'manifest.json'))) || existsSync(PYTHON)
  );
}

/** The trained bundle if it loads, else an up-to-date random-weight demo bundle (exported if needed). */
export async function chooseServingBundle(): Promise<ServingBundle> {
  const trainedManifest = join(ROOT, TRAINED_BUNDLE, 'manifest.json');
  let trainedNote = `${TRAINED_BUNDLE} is absent`;
  if (existsSync(trainedManifest)) {
    const reason = await refusalReason(TRAINED_BUNDLE, true);
    if (reason === undefined)
      return { dir: TRAINED_BUNDLE, isTrained: true, description: `${TRAINED_BUNDLE} (trained)` };
    trainedNote = `${TRAINED_BUNDLE} does not load (${reason})`;
  }
  await ensureRandomDemoBundle();
  return {
    dir: RANDOM_BUNDLE,
    isTrained: false,
    description:
      `${RANDOM_BUNDLE} (random weights, demo size; ${trainedNote}). ` +
      'A random bundle decodes to the max new tokens on every request, so it is slower than the trained one.',
  };
}
