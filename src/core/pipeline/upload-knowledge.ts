/**
 * Direct upload of a few knowledge records (`POST /v1/knowledge`). Unlike a knowledge file, an upload is all or
 * nothing: one bad record refuses the whole request before anything is stored.
 * @module
 */
import { createHash } from 'node:crypto';
import { AppError } from '../errors.js';
import type { ImageLimits } from '../knowledge/inspect-image.js';
import type { KnowledgeItem } from '../knowledge/knowledge-item.js';
import { buildKnowledgeItem, type KnowledgeLine } from '../knowledge/knowledge-line.js';
import { ImageReferenceError } from '../knowledge/resolve-image-reference.js';
import type { IngestJob } from '../ports.js';
import { ingestItems, type IngestItemsOptions } from './ingest-items.js';
import type { IngestServices } from './pipeline-services.js';
import { runIngestJob } from './run-ingest-job.js';

export interface UploadOptions extends IngestItemsOptions {
  readonly imageLimits: ImageLimits;
}

/** Checks every record and builds the items, or throws for the first bad one (naming its index). */
async function buildAll(records: readonly KnowledgeLine[], source: string, imageLimits: ImageLimits) {
  const items: KnowledgeItem[] = [];
  const indexOfId = new Map<string, number>();
  for (const [index, record] of records.entries()) {
    let item: KnowledgeItem;
    try {
      item = await buildKnowledgeItem(record, source, { imageLimits });
    } catch (error) {
      if (error instanceof AppError) throw new AppError(error.code, `items[${index}]: ${error.message}`);
      if (error instanceof ImageReferenceError)
        throw new AppError('invalid_image', `items[${index}]: ${error.message}`);
      throw error;
    }
    const first = indexOfId.get(item.id);
    if (first !== undefined)
      throw new AppError('invalid_knowledge', `items[${index}] has the same id as items[${first}]`);
    indexOfId.set(item.id, index);
    items.push(item);
  }
  return items;
}

/**
 * Stores uploaded records as one job. The same upload twice returns the first job (no duplicates, no model work).
 * @throws AppError (`invalid_knowledge`, `invalid_image`, `payload_too_large`) for a bad record, before any write.
 */
export async function uploadKnowledge(
  services: IngestServices,
  tenant: string,
  records: readonly KnowledgeLine[],
  options: UploadOptions,
): Promise<IngestJob> {
  const now = services.now ?? (() => new Date());
  const digest = createHash('sha256').update(tenant).update('\0').update(JSON.stringify(records)).digest('hex');
  const jobId = `job-${digest.slice(0, 32)}`;
  const source = `upload:${jobId}`;
  const items = await buildAll(records, source, options.imageLimits);
  const previous = await services.jobs.get(tenant, jobId);
  if (previous?.state === 'done') return previous;
  const identity = { id: jobId, tenant, source, attempts: (previous?.attempts ?? 0) + 1 };
  return runIngestJob(services.jobs, identity, now, () => ingestItems(services, tenant, items, options));
}
