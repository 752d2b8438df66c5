/**
 * What the composition roots hand to the entry points.
 * @module
 */
import type { DocumentSource } from '../../src/core/pipeline/index.js';
import type { ApiServices } from './api-env.js';

/** The ports, plus what ingestion reads documents from, and a way to release them. */
export interface ComposedServices extends ApiServices {
  /** The knowledge bucket, when `RABLIP_KNOWLEDGE_BUCKET` is set (the ingest Lambda). */
  readonly knowledgeSource?: DocumentSource;
  close(): Promise<void>;
}
