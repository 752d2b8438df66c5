/**
 * The adapters of the remote backends (model container or SageMaker, Pinecone, DynamoDB, S3). Nothing here loads a
 * native module, so a Lambda bundle that imports only this file carries neither onnxruntime-node nor better-sqlite3.
 * @module
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Config } from '../../src/core/config.js';
import { AppError } from '../../src/core/errors.js';
import type { ApiKeyStore, JobStore, ModelClient, UsageMeter, VectorIndex } from '../../src/core/ports.js';
import { blobStoreSource, type DocumentSource } from '../../src/core/pipeline/index.js';
import { DynamoDbApiKeyStore } from '../../src/adapters/api-key-store-dynamodb.js';
import { S3BlobStore } from '../../src/adapters/blob-store-s3.js';
import { DynamoDbJobStore } from '../../src/adapters/job-store-dynamodb.js';
import { createHttpModelClient } from '../../src/adapters/model-http.js';
import { createSageMakerModelClient } from '../../src/adapters/model-sagemaker.js';
import { DynamoDbUsageMeter } from '../../src/adapters/usage-meter-dynamodb.js';
import { PineconeVectorIndex } from '../../src/adapters/vector-index-pinecone.js';

/** Jobs, usage and API keys. */
export interface StateStores {
  readonly jobs: JobStore;
  readonly usage: UsageMeter;
  readonly apiKeys: ApiKeyStore;
}

/** The model over HTTP (the container) or SageMaker. */
export function createRemoteModel(config: Config): ModelClient {
  const { model } = config;
  if (model.backend === 'http') return createHttpModelClient({ url: model.url ?? '', timeoutMs: model.timeoutMs });
  if (model.backend !== 'sagemaker') throw new Error(`the ${model.backend} model is not a remote backend`);
  return createSageMakerModelClient({
    endpointName: model.sagemakerEndpoint ?? '',
    ...(model.sagemakerInferenceComponent !== undefined && {
      inferenceComponentName: model.sagemakerInferenceComponent,
    }),
    region: config.aws.region ?? '',
    timeoutMs: model.timeoutMs,
  });
}

async function pineconeApiKey(config: Config): Promise<string> {
  if (config.index.pineconeApiKey !== undefined) return config.index.pineconeApiKey;
  const client = new SecretsManagerClient({});
  try {
    const secret = await client.send(new GetSecretValueCommand({ SecretId: config.index.pineconeApiKeySecretArn }));
    if (!secret.SecretString) throw new AppError('backend_unavailable', 'the Pinecone API key secret is empty');
    return secret.SecretString;
  } finally {
    client.destroy();
  }
}

/** The Pinecone index of `RABLIP_PINECONE_HOST`, its key from the environment or Secrets Manager. */
export async function createPineconeIndex(config: Config, dimensions: number): Promise<VectorIndex> {
  return new PineconeVectorIndex({
    apiKey: await pineconeApiKey(config),
    index: { host: config.index.pineconeHost ?? '' },
    dimensions,
  });
}

export function createDynamoDbStores(config: Config): StateStores {
  const client = new DynamoDBClient({});
  return {
    jobs: new DynamoDbJobStore({ client, tableName: config.state.jobsTable ?? '' }),
    usage: new DynamoDbUsageMeter({ client, tableName: config.state.usageTable ?? '' }),
    apiKeys: new DynamoDbApiKeyStore({ client, tableName: config.state.apiKeysTable ?? '' }),
  };
}

export function createS3BlobStore(bucket: string): S3BlobStore {
  return new S3BlobStore({ bucket });
}

/** The knowledge bucket as a document source, when `RABLIP_KNOWLEDGE_BUCKET` is set (the ingest Lambda). */
export function knowledgeBucketSource(config: Config): DocumentSource | undefined {
  const bucket = config.blobs.knowledgeBucket;
  return bucket === undefined ? undefined : blobStoreSource(createS3BlobStore(bucket));
}
