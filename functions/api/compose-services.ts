/**
 * Builds the ports from the configuration: the only place that picks adapters. The same pipeline code runs on
 * every combination (design §4): embedded (in-process model, embedded index, SQLite, filesystem) or AWS
 * (SageMaker, Pinecone, DynamoDB, S3).
 * @module
 */
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Config } from '../../src/core/config.js';
import { AppError } from '../../src/core/errors.js';
import type { ApiKeyStore, BlobStore, JobStore, ModelClient, UsageMeter, VectorIndex } from '../../src/core/ports.js';
import { blobStoreSource, type DocumentSource } from '../../src/core/pipeline/index.js';
import { DynamoDbApiKeyStore } from '../../src/adapters/api-key-store-dynamodb.js';
import { SqliteApiKeyStore } from '../../src/adapters/api-key-store-sqlite.js';
import { FsBlobStore } from '../../src/adapters/blob-store-fs.js';
import { S3BlobStore } from '../../src/adapters/blob-store-s3.js';
import { DynamoDbJobStore } from '../../src/adapters/job-store-dynamodb.js';
import { SqliteJobStore } from '../../src/adapters/job-store-sqlite.js';
import { createHttpModelClient } from '../../src/adapters/model-http.js';
import { loadInProcessModelClient } from '../../src/adapters/model-in-process.js';
import { createSageMakerModelClient } from '../../src/adapters/model-sagemaker.js';
import { openSqliteDatabase, type SqliteDatabase } from '../../src/adapters/sqlite-database.js';
import { DynamoDbUsageMeter } from '../../src/adapters/usage-meter-dynamodb.js';
import { SqliteUsageMeter } from '../../src/adapters/usage-meter-sqlite.js';
import { EmbeddedVectorIndex } from '../../src/adapters/vector-index-embedded.js';
import { PineconeVectorIndex } from '../../src/adapters/vector-index-pinecone.js';
import type { ApiServices } from './api-env.js';

/** The ports, plus what ingestion reads documents from, and a way to release them. */
export interface ComposedServices extends ApiServices {
  /** The knowledge bucket, when `RABLIP_KNOWLEDGE_BUCKET` is set (the ingest Lambda). */
  readonly knowledgeSource?: DocumentSource;
  close(): Promise<void>;
}

/** The file of the embedded index and the SQLite stores, under the data dir. */
export const SQLITE_FILE = 'rablip.sqlite';

async function createModel(config: Config): Promise<{ model: ModelClient; close: () => Promise<void> }> {
  const { model } = config;
  switch (model.backend) {
    case 'in-process': {
      const client = await loadInProcessModelClient(model.bundleDir, { maxInputPixels: config.limits.image.maxPixels });
      return { model: client, close: () => client.close() };
    }
    case 'http':
      return {
        model: createHttpModelClient({ url: model.url ?? '', timeoutMs: model.timeoutMs }),
        close: async () => {},
      };
    case 'sagemaker':
      if (model.sagemakerInferenceComponent !== undefined) {
        // Invoking the endpoint without the component would reach the wrong target; refuse rather than guess.
        throw new AppError(
          'model_unavailable',
          'RABLIP_SAGEMAKER_INFERENCE_COMPONENT is set, but the SageMaker client cannot target inference components yet',
        );
      }
      return {
        model: createSageMakerModelClient({
          endpointName: model.sagemakerEndpoint ?? '',
          region: config.aws.region ?? '',
          timeoutMs: model.timeoutMs,
        }),
        close: async () => {},
      };
  }
}

async function pineconeApiKey(config: Config): Promise<string> {
  if (config.index.pineconeApiKey !== undefined) return config.index.pineconeApiKey;
  const client = new SecretsManagerClient({});
  const secret = await client.send(new GetSecretValueCommand({ SecretId: config.index.pineconeApiKeySecretArn }));
  client.destroy();
  if (!secret.SecretString) throw new AppError('backend_unavailable', 'the Pinecone API key secret is empty');
  return secret.SecretString;
}

async function createIndex(config: Config, dimensions: number, sqlite: () => SqliteDatabase): Promise<VectorIndex> {
  if (config.index.backend === 'embedded') return new EmbeddedVectorIndex({ database: sqlite(), dimensions });
  return new PineconeVectorIndex({
    apiKey: await pineconeApiKey(config),
    index: { host: config.index.pineconeHost ?? '' },
    dimensions,
  });
}

function createStores(
  config: Config,
  sqlite: () => SqliteDatabase,
): { jobs: JobStore; usage: UsageMeter; apiKeys: ApiKeyStore } {
  if (config.state.backend === 'sqlite') {
    return {
      jobs: new SqliteJobStore(sqlite()),
      usage: new SqliteUsageMeter(sqlite()),
      apiKeys: new SqliteApiKeyStore(sqlite()),
    };
  }
  const client = new DynamoDBClient({});
  return {
    jobs: new DynamoDbJobStore({ client, tableName: config.state.jobsTable ?? '' }),
    usage: new DynamoDbUsageMeter({ client, tableName: config.state.usageTable ?? '' }),
    apiKeys: new DynamoDbApiKeyStore({ client, tableName: config.state.apiKeysTable ?? '' }),
  };
}

function createBlobs(config: Config): BlobStore {
  return config.blobs.backend === 'fs'
    ? new FsBlobStore({ rootDir: join(config.local.dataDir, 'blobs') })
    : new S3BlobStore({ bucket: config.blobs.bucket ?? '' });
}

/** Builds every port the configuration names. The model is loaded (or reached) first: the index needs its `dEmbed`. */
export async function composeServices(config: Config): Promise<ComposedServices> {
  const { model, close: closeModel } = await createModel(config);
  const { dEmbed } = await model.info();
  let database: SqliteDatabase | undefined;
  const sqlite = (): SqliteDatabase => (database ??= openSqliteDatabase(join(config.local.dataDir, SQLITE_FILE)));
  const index = await createIndex(config, dEmbed, sqlite);
  const { knowledgeBucket } = config.blobs;
  return {
    model,
    index,
    blobs: createBlobs(config),
    ...createStores(config, sqlite),
    ...(knowledgeBucket !== undefined && {
      knowledgeSource: blobStoreSource(new S3BlobStore({ bucket: knowledgeBucket })),
    }),
    async close() {
      await closeModel();
      database?.close();
    },
  };
}
