/**
 * `RaBlipStack`: composes the constructs and wires each function to exactly the resources it uses. The constructs
 * own their defaults and their `grant…` methods; this file only decides who gets which grant.
 * @module
 */
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { AccessLogBucket } from './access-log-bucket.js';
import { Api } from './api.js';
import { BlobBucket } from './blob-bucket.js';
import type { DeployConfig } from './deploy-config.js';
import { IngestPipeline } from './ingest-pipeline.js';
import { ModelBundleAsset } from './model-bundle-asset.js';
import { ModelEndpoint } from './model-endpoint.js';
import { Observability } from './observability.js';
import { PineconeSettings } from './pinecone-settings.js';
import { TenantTables } from './tenant-tables.js';

/** The repository root, from this file's location (`cdk/lib/`), so synth works from any working directory. */
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Where the function entries and the container live, relative to the repository root. */
export const SOURCE_PATHS = {
  apiEntry: 'functions/api/lambda.ts',
  ingestEntry: 'functions/ingest/handler.ts',
  containerDockerfile: 'model-container/Dockerfile',
} as const;

/** Options of `RaBlipStack`. */
export interface RaBlipStackProps extends StackProps {
  readonly config: DeployConfig;
}

/** The whole deployment: API, ingestion, state, secrets, model endpoint, alarms. */
export class RaBlipStack extends Stack {
  readonly api: Api;
  readonly ingest: IngestPipeline;
  readonly tables: TenantTables;
  readonly model: ModelEndpoint;
  readonly observability: Observability;

  constructor(scope: Construct, id: string, props: RaBlipStackProps) {
    super(scope, id, props);
    const { config } = props;
    const accessLogs = new AccessLogBucket(this, 'AccessLogs');
    const blobs = new BlobBucket(this, 'Blobs', { accessLogs: accessLogs.bucket });
    this.tables = new TenantTables(this, 'Tables');
    const pinecone = new PineconeSettings(this, 'Pinecone');
    const bundle = new ModelBundleAsset(this, 'ModelBundle', {
      bundleDir: resolve(REPO_ROOT, config.bundleDir),
      placeholderBundleDir: resolve(REPO_ROOT, config.placeholderBundleDir),
    });
    this.model = new ModelEndpoint(this, 'Model', {
      mode: config.endpointMode,
      sizing: config,
      bundle,
      imageDirectory: REPO_ROOT,
      imageFile: SOURCE_PATHS.containerDockerfile,
      imageExclude: CONTAINER_CONTEXT_EXCLUDE,
    });

    const target = this.model.invocationTarget();
    const shared: Record<string, string> = {
      RABLIP_MODEL_BACKEND: 'sagemaker',
      RABLIP_SAGEMAKER_ENDPOINT: target.endpointName,
      ...(target.inferenceComponentName && { RABLIP_SAGEMAKER_INFERENCE_COMPONENT: target.inferenceComponentName }),
      RABLIP_INDEX_BACKEND: 'pinecone',
      RABLIP_PINECONE_HOST: pinecone.indexHost.valueAsString,
      RABLIP_PINECONE_API_KEY_SECRET_ARN: pinecone.apiKey.secretArn,
      RABLIP_STATE_BACKEND: 'dynamodb',
      RABLIP_JOBS_TABLE: this.tables.jobs.tableName,
      RABLIP_USAGE_TABLE: this.tables.usage.tableName,
      RABLIP_API_KEYS_TABLE: this.tables.apiKeys.tableName,
      RABLIP_BLOB_BACKEND: 's3',
      RABLIP_BLOB_BUCKET: blobs.bucket.bucketName,
    };

    this.api = new Api(this, 'Api', {
      entry: resolve(REPO_ROOT, SOURCE_PATHS.apiEntry),
      environment: { ...shared, POWERTOOLS_SERVICE_NAME: 'rablip-api' },
      rateLimit: config.apiRateLimit,
      burstLimit: config.apiBurstLimit,
    });
    this.ingest = new IngestPipeline(this, 'Ingest', {
      entry: resolve(REPO_ROOT, SOURCE_PATHS.ingestEntry),
      accessLogs: accessLogs.bucket,
      // Ingest calls may wait out a Serverless Inference cold start; the API keeps the config default.
      environment: { ...shared, POWERTOOLS_SERVICE_NAME: 'rablip-ingest', RABLIP_MODEL_TIMEOUT_MS: '120000' },
      functionTimeout: Duration.minutes(5),
    });

    const apiFunction = this.api.handler.function;
    this.tables.grantApiKeyLookup(apiFunction);
    this.tables.grantUsageMetering(apiFunction);
    this.tables.grantJobs(apiFunction);
    blobs.grantReadWrite(apiFunction);
    this.model.grantInvoke(apiFunction);
    pinecone.grantReadApiKey(apiFunction);

    const ingestFunction = this.ingest.handler.function;
    this.tables.grantJobs(ingestFunction);
    blobs.grantReadWrite(ingestFunction);
    this.model.grantInvoke(ingestFunction);
    pinecone.grantReadApiKey(ingestFunction);

    this.observability = new Observability(this, 'Observability', {
      api: this.api,
      ingest: this.ingest,
      model: this.model,
      ...(config.alarmEmail && { alarmEmail: config.alarmEmail }),
    });

    new CfnOutput(this, 'KnowledgeBucketName', { value: this.ingest.bucket.bucketName });
    new CfnOutput(this, 'ApiKeysTableName', { value: this.tables.apiKeys.tableName });
    new CfnOutput(this, 'PineconeSecretArn', { value: pinecone.apiKey.secretArn });
    new CfnOutput(this, 'ModelEndpointName', { value: target.endpointName });
    new CfnOutput(this, 'ModelBundleId', { value: bundle.bundle.model?.id ?? 'placeholder (no model)' });
  }
}

/**
 * The container's build context, as `.dockerignore` patterns: everything is left out except what
 * `model-container/Dockerfile` copies. It keeps the context small and the image hash stable: a change to the API or
 * the tests does not rebuild the image.
 */
const CONTAINER_CONTEXT_EXCLUDE: readonly string[] = [
  '*',
  '!package.json',
  '!package-lock.json',
  '!.npmrc',
  '!tsconfig.json',
  '!src',
  '!model-container',
];
