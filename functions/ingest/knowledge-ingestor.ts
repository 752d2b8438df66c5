/**
 * What the S3 handler and the local watcher both run for one knowledge object: ingest it (or forget it when it
 * was removed), log the outcome, and decide between "record the failure and move on" and "retry".
 * @module
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { AppError, type ErrorCode } from '../../src/core/errors.js';
import type { IngestJob } from '../../src/core/ports.js';
import {
  forgetDocument,
  ingestStoredDocument,
  type DocumentIngestOptions,
  type DocumentSource,
  type IngestServices,
} from '../../src/core/pipeline/index.js';

/**
 * Per error code: `record` (the job holds the reason; retrying cannot help, so the message is consumed) or `retry`
 * (rethrown: SQS redelivers it, then dead-letters it after maxReceiveCount).
 */
export const FAILURE_POLICY: Record<ErrorCode, 'record' | 'retry'> = {
  invalid_input: 'record',
  invalid_image: 'record',
  invalid_knowledge: 'record',
  payload_too_large: 'record',
  not_found: 'record',
  unauthorized: 'record',
  bundle_mismatch: 'retry',
  quota_exceeded: 'retry',
  model_timeout: 'retry',
  model_unavailable: 'retry',
  backend_unavailable: 'retry',
};

/** One knowledge object: a key under a tenant's root in a document source. */
export interface KnowledgeObject {
  readonly tenant: string;
  /** Label prefix of the root, e.g. `s3://bucket/acme/` or `knowledge/`. */
  readonly origin: string;
  readonly key: string;
  readonly source: DocumentSource;
}

export interface KnowledgeIngestor {
  /** The job, or undefined when the document was refused for good (the job then says why). */
  ingest(object: KnowledgeObject): Promise<IngestJob | undefined>;
  /** Removes what a deleted document produced; returns how many items went. */
  forget(object: Omit<KnowledgeObject, 'source'>): Promise<number>;
}

export interface KnowledgeIngestorDependencies {
  readonly services: IngestServices;
  readonly options: DocumentIngestOptions;
  readonly logger: Logger;
}

export function createKnowledgeIngestor({
  services,
  options,
  logger,
}: KnowledgeIngestorDependencies): KnowledgeIngestor {
  return {
    async ingest(object) {
      const document = `${object.origin}${object.key}`;
      try {
        const job = await ingestStoredDocument(services, object, options);
        logger.info('document ingested', { tenant: object.tenant, document, jobId: job.id, counts: job.counts });
        return job;
      } catch (error) {
        if (error instanceof AppError && FAILURE_POLICY[error.code] === 'record') {
          logger.warn('document refused', { tenant: object.tenant, document, code: error.code, reason: error.message });
          return undefined;
        }
        logger.error('document ingestion failed; it will be retried', {
          tenant: object.tenant,
          document,
          error: error as Error,
        });
        throw error;
      }
    },
    async forget(object) {
      const removed = await forgetDocument(services, object.tenant, `${object.origin}${object.key}`);
      logger.info('document removed', { tenant: object.tenant, document: `${object.origin}${object.key}`, removed });
      return removed;
    },
  };
}
