/**
 * The composition root of the Lambda entries: remote backends only (SageMaker or the container, Pinecone, DynamoDB,
 * S3). A Lambda's disk does not outlive it, so the embedded backends are refused; and this file imports no native
 * module, so the function bundle needs neither onnxruntime-node nor better-sqlite3. No remote call happens here:
 * the index is built on first use.
 * @module
 */
import { ConfigError, type Config } from '../../src/core/config.js';
import { cacheFeatureBlobs } from './cache-feature-blobs.js';
import type { ComposedServices } from './composed-services.js';
import { deferVectorIndex } from './deferred-vector-index.js';
import {
  createDynamoDbStores,
  createPineconeIndex,
  createRemoteModel,
  createS3BlobStore,
  knowledgeBucketSource,
} from './remote-backends.js';

/** The settings a Lambda needs, as `[key, what it must be]` pairs that the configuration does not meet. */
function embeddedChoices(config: Config): string[] {
  return [
    ...(config.model.backend === 'in-process' ? ['RABLIP_MODEL_BACKEND=sagemaker (or http)'] : []),
    ...(config.index.backend === 'embedded' ? ['RABLIP_INDEX_BACKEND=pinecone'] : []),
    ...(config.state.backend === 'sqlite' ? ['RABLIP_STATE_BACKEND=dynamodb'] : []),
    ...(config.blobs.backend === 'fs' ? ['RABLIP_BLOB_BACKEND=s3'] : []),
  ];
}

/** @throws ConfigError when the configuration names an embedded backend. */
export function composeCloudServices(config: Config): ComposedServices {
  const missing = embeddedChoices(config);
  if (missing.length > 0) {
    throw new ConfigError(`invalid configuration for a Lambda (its disk is not kept):\n  set ${missing.join(', ')}`);
  }
  const model = createRemoteModel(config);
  const knowledgeSource = knowledgeBucketSource(config);
  return {
    model,
    index: deferVectorIndex(async () => createPineconeIndex(config, (await model.info()).dEmbed)),
    blobs: cacheFeatureBlobs(createS3BlobStore(config.blobs.bucket ?? ''), config),
    ...createDynamoDbStores(config),
    ...(knowledgeSource !== undefined && { knowledgeSource }),
    close: async () => {},
  };
}
