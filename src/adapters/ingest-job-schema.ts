/**
 * The zod schema of `IngestJob`: checked on `put` by every `JobStore`, and used to read stored jobs back.
 * @module
 */
import { z } from 'zod';
import { AppError } from '../core/errors.js';
import type { IngestJob } from '../core/ports.js';

const count = z.number().int().nonnegative();

/** An `IngestJob` as stored; unknown keys (such as DynamoDB's key attributes) are dropped when read back. */
export const ingestJobSchema = z.object({
  id: z.string().min(1).max(512),
  tenant: z.string().min(1).max(256),
  source: z.string(),
  state: z.enum(['queued', 'done', 'failed']),
  counts: z.object({ ingested: count, skipped: count, rejected: count }).optional(),
  errors: z.array(z.string()).optional(),
  attempts: count,
  updatedAt: z.iso.datetime(),
}) satisfies z.ZodType<IngestJob>;

/** Checks a job before it is written; a malformed job is the caller's `invalid_input`. */
export function parseIngestJob(job: IngestJob): IngestJob {
  const parsed = ingestJobSchema.safeParse(job);
  if (!parsed.success) throw new AppError('invalid_input', `invalid ingest job: ${parsed.error.message}`);
  return parsed.data;
}

/** Reads a stored job back; a row that no longer parses is a broken store, not a caller error. */
export function readStoredIngestJob(stored: unknown): IngestJob {
  const parsed = ingestJobSchema.safeParse(stored);
  if (!parsed.success)
    throw new AppError('backend_unavailable', `stored ingest job is corrupt: ${parsed.error.message}`);
  return parsed.data;
}
