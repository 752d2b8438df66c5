/**
 * The ports each pipeline needs, bundled so that entry points pass one object down.
 * @module
 */
import type { BlobStore, JobStore, ModelClient, VectorIndex } from '../ports.js';

/** What answering and the knowledge read/delete operations use. */
export interface KnowledgeServices {
  readonly model: ModelClient;
  readonly index: VectorIndex;
  readonly blobs: BlobStore;
}

/** What ingestion uses: the knowledge services plus job status. */
export interface IngestServices extends KnowledgeServices {
  readonly jobs: JobStore;
  /** @default () => new Date() */
  readonly now?: () => Date;
}
