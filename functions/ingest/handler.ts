/**
 * The ingest Lambda: SQS batches of S3 event notifications from the knowledge bucket, with partial batch failures
 * (Powertools). A message whose document fails for a transient reason is reported as failed, so SQS retries it and
 * finally dead-letters it; the rest of the batch is acknowledged.
 *
 * Bucket layout: `<tenant>/<path>`: the first key segment names the tenant whose namespace receives the knowledge.
 * @module
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { parseConfig, TENANT_PATTERN } from '../../src/core/config.js';
import type { DocumentSource } from '../../src/core/pipeline/index.js';
import { composeCloudServices } from '../api/compose-cloud-services.js';
import { createLogger } from '../api/create-logger.js';
import { createKnowledgeIngestor, type KnowledgeIngestor } from './knowledge-ingestor.js';
import { parseS3Notification, type S3ObjectEvent } from './s3-notification.js';

export interface IngestHandlerDependencies {
  readonly ingestor: KnowledgeIngestor;
  /** The knowledge bucket, read with bucket-relative keys. */
  readonly source: DocumentSource;
  readonly maxDocumentBytes: number;
  readonly logger: Logger;
}

export type IngestHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

/** A view of the bucket under one tenant's prefix. */
function tenantSource(source: DocumentSource, tenant: string): DocumentSource {
  return { read: (key) => source.read(`${tenant}/${key}`) };
}

async function handleObject(event: S3ObjectEvent, deps: IngestHandlerDependencies): Promise<void> {
  const slash = event.key.indexOf('/');
  const tenant = event.key.slice(0, Math.max(slash, 0));
  const key = event.key.slice(slash + 1);
  if (!TENANT_PATTERN.test(tenant) || key === '') {
    deps.logger.warn('object outside any tenant folder; expected <tenant>/<path>', { key: event.key });
    return;
  }
  const origin = `s3://${event.bucket}/${tenant}/`;
  if (event.isRemoval) {
    await deps.ingestor.forget({ tenant, origin, key });
  } else if (event.size !== undefined && event.size > deps.maxDocumentBytes) {
    deps.logger.warn('document over the size limit', {
      key: event.key,
      size: event.size,
      limit: deps.maxDocumentBytes,
    });
  } else {
    await deps.ingestor.ingest({ tenant, origin, key, source: tenantSource(deps.source, tenant) });
  }
}

/** The handler over given dependencies (tests drive it with factory-built SQS records). */
export function createIngestHandler(deps: IngestHandlerDependencies): IngestHandler {
  const processor = new BatchProcessor(EventType.SQS);
  const recordHandler = async (record: SQSRecord): Promise<void> => {
    for (const object of parseS3Notification(record.body)) await handleObject(object, deps);
  };
  return (event, context) => processPartialResponse(event, recordHandler, processor, { context });
}

let configured: IngestHandler | undefined;

function configureFromEnvironment(): IngestHandler {
  const config = parseConfig(process.env);
  const logger = createLogger('rablip-ingest', config.logLevel);
  const services = composeCloudServices(config);
  if (services.knowledgeSource === undefined) throw new Error('RABLIP_KNOWLEDGE_BUCKET is not set');
  const options = {
    batchSize: config.ingest.batchSize,
    imageLimits: config.limits.image,
    passageMaxChars: config.ingest.passageMaxChars,
    maxDocumentBytes: config.limits.maxDocumentBytes,
  };
  const ingestor = createKnowledgeIngestor({ services, options, logger });
  return createIngestHandler({
    ingestor,
    source: services.knowledgeSource,
    maxDocumentBytes: options.maxDocumentBytes,
    logger,
  });
}

/** The Lambda entry: configuration and ports are built on the first invocation of a cold start. */
export const handler: IngestHandler = async (event, context) => {
  configured ??= configureFromEnvironment();
  return configured(event, context);
};
