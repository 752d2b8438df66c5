/**
 * `ModelBundleAsset`: the model bundle directory packed into `model.tar.gz` at synth and published as an S3 asset,
 * the form SageMaker unpacks into `/opt/ml/model`. The asset hash is the hash of the source directory, so the
 * tarball is rebuilt (and the model replaced) only when a file of the bundle changes.
 * @module
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Annotations, BundlingOutput, DockerImage, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import { z } from 'zod';

/** The part of `manifest.json` the deployment reads (docs/bundle-format.md). */
const manifestSchema = z.object({
  model: z.object({ name: z.string(), version: z.string() }),
  dims: z.object({ dEmbed: z.number().int().positive() }),
});

/** What the deployment knows about the packed bundle. */
export interface BundleInfo {
  /** The directory that was packed. */
  readonly dir: string;
  /** True when `bundleDir` was missing and the placeholder (no model) was packed instead. */
  readonly isPlaceholder: boolean;
  /** `model.name@model.version` and `dims.dEmbed` from the manifest; absent for the placeholder. */
  readonly model?: { readonly id: string; readonly dEmbed: number };
}

/** Options of `ModelBundleAsset`. */
export interface ModelBundleAssetProps {
  /** Bundle directory (relative to the working directory, normally the repository root). */
  readonly bundleDir: string;
  /** Packed instead when `bundleDir` does not exist. */
  readonly placeholderBundleDir: string;
}

/** Resolves which directory to pack and reads its manifest. */
export function resolveBundle(props: ModelBundleAssetProps): BundleInfo {
  const wanted = resolve(props.bundleDir);
  if (!existsSync(wanted)) {
    return { dir: resolve(props.placeholderBundleDir), isPlaceholder: true };
  }
  const manifestPath = join(wanted, 'manifest.json');
  if (!existsSync(manifestPath)) {
    throw new Error(`bundle directory ${wanted} has no manifest.json (see docs/bundle-format.md)`);
  }
  const manifest = manifestSchema.parse(JSON.parse(readFileSync(manifestPath, 'utf8')));
  return {
    dir: wanted,
    isPlaceholder: false,
    model: { id: `${manifest.model.name}@${manifest.model.version}`, dEmbed: manifest.dims.dEmbed },
  };
}

/** The bundle as `model.tar.gz` in the CDK asset bucket. */
export class ModelBundleAsset extends Construct {
  readonly asset: s3assets.Asset;
  readonly bundle: BundleInfo;

  constructor(scope: Construct, id: string, props: ModelBundleAssetProps) {
    super(scope, id);
    this.bundle = resolveBundle(props);
    if (this.bundle.isPlaceholder) {
      Annotations.of(this).addWarningV2(
        'rablip:placeholder-bundle',
        `model bundle ${props.bundleDir} not found: packing the placeholder ${props.placeholderBundleDir}, which holds no model. ` +
          'Train or export a bundle (npm run train) or pass -c bundleDir=... before deploying.',
      );
    }
    const sourceDir = this.bundle.dir;
    this.asset = new s3assets.Asset(this, 'Tarball', {
      path: sourceDir,
      bundling: {
        // Never pulled: local bundling (tar) always succeeds, and Docker is not needed at synth.
        image: DockerImage.fromRegistry('public.ecr.aws/docker/library/busybox:stable'),
        outputType: BundlingOutput.ARCHIVED,
        local: {
          tryBundle(outputDir: string): boolean {
            // SageMaker wants a gzipped tar with the bundle files at its root.
            execFileSync('tar', ['-czf', join(outputDir, 'model.tar.gz'), '-C', sourceDir, '.'], { stdio: 'inherit' });
            return true;
          },
        },
      },
    });
  }

  /** `s3:GetObject` on the one tarball object, nothing else in the asset bucket. */
  grantRead(grantee: iam.IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject'],
        resources: [
          Stack.of(this).formatArn({
            service: 's3',
            region: '',
            account: '',
            resource: this.asset.s3BucketName,
            resourceName: this.asset.s3ObjectKey,
          }),
        ],
      }),
    );
  }
}
