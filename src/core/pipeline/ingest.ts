/**
 * Document ingestion with per-document job status. The job id is a hash of tenant, source and content, so a repeated
 * delivery of the same object finds its job done and returns it without work; a changed document gets a new job,
 * and the items its previous version produced but this one does not are removed.
 * @module
 */
import { createHash } from 'node:crypto';
import { AppError, NotFoundError } from '../errors.js';
import type { DocumentContext, SiblingReader } from '../knowledge/document-context.js';
import type { ImageLimits } from '../knowledge/inspect-image.js';
import { parseDocument } from '../knowledge/parse-document.js';
import type { IngestJob } from '../ports.js';
import type { DocumentSource } from './document-source.js';
import { deleteDocumentManifest, readDocumentManifest, writeDocumentManifest } from './document-manifest.js';
import { ingestItems, modelVersionOf, type IngestItemsOptions } from './ingest-items.js';
import { removeKnowledgeRecords } from './knowledge-records.js';
import type { IngestServices, KnowledgeServices } from './pipeline-services.js';
import { runIngestJob } from './run-ingest-job.js';

/** Limits and batching for document ingestion. */
export interface DocumentIngestOptions extends IngestItemsOptions {
  readonly imageLimits: ImageLimits;
  readonly passageMaxChars: number;
  readonly maxDocumentBytes: number;
}

/** One document to ingest. */
export interface DocumentRequest {
  readonly tenant: string;
  /** Prefix that makes keys of different roots distinct sources: `s3://bucket/`, `knowledge/`, `demo/`. */
  readonly origin: string;
  /** Path relative to the root; its extension picks the parser. */
  readonly key: string;
  readonly bytes: Uint8Array;
  readonly readSibling: SiblingReader;
}

/** A document read from a DocumentSource (the S3 knowledge bucket, the local `./knowledge` folder). */
export interface StoredDocumentRequest {
  readonly tenant: string;
  readonly origin: string;
  readonly source: DocumentSource;
  readonly key: string;
}

function sha256(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The job id of a document: the same tenant, source and bytes always give the same job. */
export function documentJobId(tenant: string, source: string, bytes: Uint8Array): string {
  return `job-${sha256(`${tenant}\0${source}\0${sha256(bytes)}`).slice(0, 32)}`;
}

/** Removes the items of the previous version of a source that the new version does not have. */
async function dropVanishedItems(
  services: KnowledgeServices,
  tenant: string,
  previousIds: readonly string[],
  currentIds: readonly string[],
): Promise<void> {
  const keep = new Set(currentIds);
  const vanished = previousIds.filter((id) => !keep.has(id));
  if (vanished.length > 0) await removeKnowledgeRecords(services, tenant, await services.index.fetch(tenant, vanished));
}

/**
 * Parses and ingests one document, recording its job as queued, then done (with counts and rejected entries) or
 * failed (with the reason; the error is rethrown so that the caller can retry or dead-letter it).
 */
export async function ingestDocument(
  services: IngestServices,
  request: DocumentRequest,
  options: DocumentIngestOptions,
): Promise<IngestJob> {
  const { tenant, origin, key, bytes } = request;
  const now = services.now ?? (() => new Date());
  const jobId = documentJobId(tenant, origin + key, bytes);
  const previousJob = await services.jobs.get(tenant, jobId);
  const identity = { id: jobId, tenant, source: origin + key, attempts: (previousJob?.attempts ?? 0) + 1 };
  if (previousJob?.state === 'done') {
    // Done, its items are still the document's (not forgotten, not replaced by another version) and were embedded
    // by this model: nothing to do. After a model upgrade the job runs again, and re-embeds what the old model stored.
    const manifest = await readDocumentManifest(services.blobs, tenant, previousJob.source);
    if (manifest?.jobId === jobId && manifest.modelVersion === (await modelVersionOf(services.model))) {
      return previousJob;
    }
  }
  return runIngestJob(services.jobs, identity, now, async () => {
    if (bytes.length > options.maxDocumentBytes) {
      throw new AppError('payload_too_large', `${key} is ${bytes.length} bytes, over ${options.maxDocumentBytes}`);
    }
    const context: DocumentContext = {
      imageLimits: options.imageLimits,
      passageMaxChars: options.passageMaxChars,
      readSibling: request.readSibling,
    };
    const parsed = await parseDocument({ key, bytes }, context);
    const source = origin + parsed.source;
    const items = parsed.items.map((item) => ({ ...item, source }));
    const result = await ingestItems(services, tenant, items, options);
    const previous = await readDocumentManifest(services.blobs, tenant, source);
    await dropVanishedItems(services, tenant, previous?.ids ?? [], result.ids);
    await writeDocumentManifest(services.blobs, tenant, {
      source,
      jobId,
      ids: [...result.ids],
      modelVersion: result.modelVersion,
    });
    return { ingested: result.ingested, skipped: result.skipped, rejected: [...parsed.rejected, ...result.rejected] };
  });
}

/**
 * Reads a document and its siblings from a DocumentSource, then ingests it (see `ingestDocument`).
 * @throws NotFoundError when the document is gone (deleted before its event was handled).
 */
export async function ingestStoredDocument(
  services: IngestServices,
  request: StoredDocumentRequest,
  options: DocumentIngestOptions,
): Promise<IngestJob> {
  const { source, key } = request;
  const folder = key.slice(0, key.lastIndexOf('/') + 1);
  const bytes = await source.read(key);
  if (bytes === undefined) throw new NotFoundError(`document ${request.origin}${key} not found`);
  const readSibling: SiblingReader = (relativePath) => source.read(folder + relativePath);
  return ingestDocument(services, { tenant: request.tenant, origin: request.origin, key, bytes, readSibling }, options);
}

/** Removes everything a source document produced (the document was deleted). Returns how many items went. */
export async function forgetDocument(services: KnowledgeServices, tenant: string, source: string): Promise<number> {
  const manifest = await readDocumentManifest(services.blobs, tenant, source);
  if (manifest === undefined) return 0;
  const records = await services.index.fetch(tenant, manifest.ids);
  await removeKnowledgeRecords(services, tenant, records);
  await deleteDocumentManifest(services.blobs, tenant, source);
  return records.length;
}
