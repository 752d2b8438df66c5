/**
 * The lifecycle of one ingest job: queued, then done with counts, or failed with the reason.
 * @module
 */
import type { RejectedEntry } from '../knowledge/knowledge-item.js';
import type { IngestJob, JobStore } from '../ports.js';

/** Who the job is: id, tenant, source, and which attempt this is. */
export interface JobIdentity {
  readonly id: string;
  readonly tenant: string;
  readonly source: string;
  readonly attempts: number;
}

/** What the job's work reports. */
export interface JobOutcome {
  readonly ingested: number;
  readonly skipped: number;
  readonly rejected: readonly RejectedEntry[];
}

/** Most rejected entries kept on a job; the last line says how many more there were. */
const MAX_JOB_ERRORS = 50;

function describeRejections(rejected: readonly RejectedEntry[]): string[] {
  const lines = rejected.slice(0, MAX_JOB_ERRORS).map(({ where, reason }) => `${where}: ${reason}`);
  if (rejected.length > MAX_JOB_ERRORS) lines.push(`… and ${rejected.length - MAX_JOB_ERRORS} more`);
  return lines;
}

/**
 * Records the job as queued, runs `work`, then records it done (with counts and rejected entries) or failed (with
 * the reason). A failure is rethrown so that the caller can retry or dead-letter it.
 */
export async function runIngestJob(
  jobs: JobStore,
  identity: JobIdentity,
  now: () => Date,
  work: () => Promise<JobOutcome>,
): Promise<IngestJob> {
  await jobs.put({ ...identity, state: 'queued', updatedAt: now().toISOString() });
  try {
    const { ingested, skipped, rejected } = await work();
    const job: IngestJob = {
      ...identity,
      state: 'done',
      counts: { ingested, skipped, rejected: rejected.length },
      ...(rejected.length > 0 && { errors: describeRejections(rejected) }),
      updatedAt: now().toISOString(),
    };
    await jobs.put(job);
    return job;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    await jobs.put({ ...identity, state: 'failed', errors: [reason], updatedAt: now().toISOString() });
    throw error;
  }
}
