/**
 * Orchestration over the ports: ingestion, answering, and the stored-knowledge operations.
 * @module
 */
export {
  answerQuestion,
  type AnswerOptions,
  type AnswerRequest,
  type AnswerResult,
  type AnswerTimings,
  type Evidence,
} from './answer.js';
export { assembleKnowledge, type AssembledKnowledge, type AssembleOptions } from './assemble-knowledge.js';
export {
  attributesBlobKey,
  documentManifestKey,
  imageBlobKeys,
  isFeaturesBlobKey,
  type ImageBlobKeys,
} from './blob-keys.js';
export { blobStoreSource, type DocumentSource } from './document-source.js';
export { decodeImageFeatures, encodeImageFeatures } from './features-codec.js';
export {
  documentJobId,
  forgetDocument,
  ingestDocument,
  ingestStoredDocument,
  type DocumentIngestOptions,
  type DocumentRequest,
  type StoredDocumentRequest,
} from './ingest.js';
export { ingestItems, type IngestItemsOptions, type IngestItemsResult, type IngestProgress } from './ingest-items.js';
export {
  describeKnowledge,
  getBlobIfPresent,
  readKnowledgeImage,
  removeKnowledge,
  removeKnowledgeRecords,
  type KnowledgeView,
  type StoredImage,
} from './knowledge-records.js';
export {
  DEFAULT_VISUAL_LINK_THRESHOLD,
  linkQuestionImages,
  type ImageLink,
  type LinkOptions,
  type LinkServices,
} from './link-question-images.js';
export type { IngestServices, KnowledgeServices } from './pipeline-services.js';
export {
  linkedQueryText,
  retrieveKnowledge,
  type RetrievalBatch,
  type RetrievalOptions,
  type RetrievalQuery,
  type RetrievalServices,
  type RetrievedKnowledge,
} from './retrieve-knowledge.js';
export { runIngestJob, type JobIdentity, type JobOutcome } from './run-ingest-job.js';
export { estimateTokens, referenceCost, referenceTokenAllowance, type TokenBudget } from './token-budget.js';
export { uploadKnowledge, type UploadOptions } from './upload-knowledge.js';
export { VISUAL_NAMESPACE_SUFFIX, visualNamespace } from './visual-keys.js';
export { MODEL_RETRY_AFTER_S, withModelDeadline } from './with-model-deadline.js';
