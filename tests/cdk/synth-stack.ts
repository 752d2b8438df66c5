/**
 * Synthesises the real CDK app (`createApp`, cdk-nag attached) for a test file: once per file, into a temporary
 * cloud assembly, with a small fixture bundle so that the model tarball step runs without a trained model.
 * @module
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import type { App } from 'aws-cdk-lib';
import { createApp } from '../../cdk/lib/create-app.js';
import type { RaBlipStack } from '../../cdk/lib/rablip-stack.js';

/** A synthesised app and what the tests read from it. */
export interface SynthesizedStack {
  readonly app: App;
  readonly stack: RaBlipStack;
  readonly template: Template;
  /** The template file, for cfn-lint. */
  readonly templatePath: string;
  readonly outdir: string;
}

const temporaryDirectories: string[] = [];

/** A new temporary directory, removed by `removeTemporaryDirectories`. */
export function temporaryDirectory(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temporaryDirectories.push(dir);
  return dir;
}

/** Removes every directory `temporaryDirectory` made (call it in `afterAll`). */
export function removeTemporaryDirectories(): void {
  for (const dir of temporaryDirectories.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A bundle directory with only the manifest fields the deployment reads (docs/bundle-format.md). */
export function writeFixtureBundle(): string {
  const dir = temporaryDirectory('rablip-bundle-');
  writeFileSync(
    join(dir, 'manifest.json'),
    JSON.stringify({
      format: 'ra-blip-bundle',
      formatVersion: 1,
      model: { name: 'fixture', version: '1' },
      dims: { dEmbed: 256 },
    }),
  );
  return dir;
}

/** Synthesises the app with `context` over the fixture bundle. Throws cdk-nag's `ValidationFailed` on findings. */
export function synthStack(context: Readonly<Record<string, unknown>> = {}): SynthesizedStack {
  const outdir = temporaryDirectory('rablip-cdk-');
  const { app, stack } = createApp({ outdir, context: { bundleDir: writeFixtureBundle(), ...context } });
  app.synth();
  return { app, stack, template: Template.fromStack(stack), templatePath: join(outdir, stack.templateFile), outdir };
}
