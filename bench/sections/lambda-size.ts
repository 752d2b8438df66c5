/**
 * Bench section: the deployed size of the two Lambda functions. Each entry is bundled exactly as `cdk synth` does
 * (the `ServiceFunction` construct: esbuild, ESM, minified, Node 22, arm64), then measured as the zip Lambda receives.
 * The API function must stay at or under 3 MB zipped (cold start); it carries no native module and no model.
 * @module
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { App, Duration, Stack } from 'aws-cdk-lib';
import type * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { REPO_ROOT, SOURCE_PATHS } from '../../cdk/lib/rablip-stack.js';
import { NATIVE_MODULES, ServiceFunction } from '../../cdk/lib/service-function.js';

/** The API function's zipped-size budget, in bytes (3 MB). */
export const API_ZIP_LIMIT_BYTES = 3_000_000;

/** Zip layout per file: local header (30 B) + central directory entry (46 B) + the name twice; 22 B at the end. */
const ZIP_LOCAL_HEADER = 30;
const ZIP_CENTRAL_ENTRY = 46;
const ZIP_END_RECORD = 22;

/** Sizes of one bundled function. */
export interface FunctionSize {
  readonly zippedBytes: number;
  readonly unzippedBytes: number;
  readonly files: number;
  /** Native modules the bundle still imports (expected empty: they are replaced by a stub). */
  readonly nativeImports: string[];
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? listFiles(path) : [path];
  });
}

/** Measures a staged asset directory as a deflate (level 9) zip, the way the CDK CLI zips it for upload. */
export function measureAssetDirectory(dir: string): FunctionSize {
  let zippedBytes = ZIP_END_RECORD;
  let unzippedBytes = 0;
  const files = listFiles(dir);
  const found = new Set<string>();
  for (const file of files) {
    const bytes = readFileSync(file);
    const nameBytes = Buffer.byteLength(relative(dir, file));
    const stored = Math.min(deflateRawSync(bytes, { level: 9 }).length, bytes.length);
    zippedBytes += ZIP_LOCAL_HEADER + ZIP_CENTRAL_ENTRY + 2 * nameBytes + stored;
    unzippedBytes += statSync(file).size;
    const text = bytes.toString('utf8');
    for (const name of NATIVE_MODULES) {
      if (new RegExp(`(from|require\\(|import\\()\\s*["']${name}["']`).test(text)) found.add(name);
    }
  }
  return { zippedBytes, unzippedBytes, files: files.length, nativeImports: [...found] };
}

/** Bundles one entry through `ServiceFunction` and returns the staged asset directory. */
function bundleEntry(stack: Stack, outdir: string, id: string, entry: string): string {
  const fn = new ServiceFunction(stack, id, {
    entry: resolve(REPO_ROOT, entry),
    description: `bench ${id}`,
    timeout: Duration.seconds(30),
    environment: {},
  });
  // NodejsFunction stages its bundle while it is constructed, as the child asset "Code".
  const asset = fn.function.node.findChild('Code') as s3assets.Asset;
  return isAbsolute(asset.assetPath) ? asset.assetPath : join(outdir, asset.assetPath);
}

/** Bundles the API and ingest entries and reports their zipped sizes. */
export async function run(): Promise<Record<string, unknown>> {
  const outdir = mkdtempSync(join(tmpdir(), 'rablip-lambda-size-'));
  try {
    const app = new App({ outdir });
    const stack = new Stack(app, 'LambdaSize');
    const api = measureAssetDirectory(bundleEntry(stack, outdir, 'Api', SOURCE_PATHS.apiEntry));
    const ingest = measureAssetDirectory(bundleEntry(stack, outdir, 'Ingest', SOURCE_PATHS.ingestEntry));
    return {
      architecture: 'arm64',
      runtime: 'nodejs22.x',
      apiZippedBytes: api.zippedBytes,
      apiUnzippedBytes: api.unzippedBytes,
      apiZipLimitBytes: API_ZIP_LIMIT_BYTES,
      apiWithinLimit: api.zippedBytes <= API_ZIP_LIMIT_BYTES,
      apiNativeImports: api.nativeImports,
      ingestZippedBytes: ingest.zippedBytes,
      ingestUnzippedBytes: ingest.unzippedBytes,
      ingestNativeImports: ingest.nativeImports,
      modelLayer: 'none: questions are embedded on the SageMaker endpoint, not in the function',
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
