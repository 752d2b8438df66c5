/**
 * `rablip ingest DIR`: collect the folder's knowledge, upload it in batches through `POST /v1/knowledge`, and poll
 * each ingest job until it is done, with a progress bar over the records.
 * @module
 */
import cliProgress from 'cli-progress';
import type { ApiClient, IngestJob } from '../web/api-client.js';
import { MAX_UPLOAD_BYTES, batchRecords, pollJob } from '../web/knowledge-upload.js';
import { collectKnowledge } from './collect-knowledge.js';

export interface IngestSummary {
  readonly files: number;
  readonly records: number;
  readonly jobs: readonly IngestJob[];
  readonly ingested: number;
  readonly skipped: number;
  readonly rejected: number;
  /** Local rejections (unparseable files and lines) and job errors. */
  readonly errors: readonly string[];
  readonly isOk: boolean;
}

export interface IngestCommandOptions {
  readonly dir: string;
  readonly batchItems: number;
  /** Draw a progress bar on stderr. */
  readonly showProgress: boolean;
  /** How often a queued job is polled. @default 500 */
  readonly pollIntervalMs?: number;
  /** How long one job may stay queued. @default 600000 */
  readonly jobTimeoutMs?: number;
}

/** Runs the ingest command against `api`. */
export async function runIngest(api: ApiClient, options: IngestCommandOptions): Promise<IngestSummary> {
  const collected = await collectKnowledge(options.dir);
  const batches = batchRecords(collected.records, { maxItems: options.batchItems, maxBytes: MAX_UPLOAD_BYTES });
  const bar = new cliProgress.SingleBar(
    { format: 'ingest |{bar}| {value}/{total} items | {stage}', stream: process.stderr, noTTYOutput: false },
    cliProgress.Presets.shades_classic,
  );
  if (options.showProgress) bar.start(collected.records.length, 0, { stage: 'uploading' });
  const jobs: IngestJob[] = [];
  try {
    const queued: { job: IngestJob; size: number }[] = [];
    for (const batch of batches) {
      queued.push({ job: await api.addKnowledge(batch), size: batch.length });
      bar.update({ stage: `uploaded ${queued.length}/${batches.length} batches` });
    }
    bar.update({ stage: 'ingesting' });
    for (const { job, size } of queued) {
      jobs.push(await waitForJob(api, job, options.pollIntervalMs ?? 500, options.jobTimeoutMs ?? 600_000));
      bar.increment(size);
    }
    bar.update({ stage: 'done' });
  } finally {
    if (options.showProgress) bar.stop();
  }
  return summarise(collected.fileCount, collected.records.length, jobs, collected.rejected);
}

async function waitForJob(api: ApiClient, job: IngestJob, intervalMs: number, timeoutMs: number): Promise<IngestJob> {
  const last = await pollJob(api, job, () => {}, intervalMs, timeoutMs);
  return last.state === 'queued' ? { ...last, state: 'failed', errors: [`still queued after ${timeoutMs} ms`] } : last;
}

function summarise(
  files: number,
  records: number,
  jobs: readonly IngestJob[],
  rejected: readonly { where: string; reason: string }[],
): IngestSummary {
  const sum = (key: 'ingested' | 'skipped' | 'rejected'): number =>
    jobs.reduce((n, j) => n + (j.counts?.[key] ?? 0), 0);
  const errors = [
    ...rejected.map((r) => `${r.where}: ${r.reason}`),
    ...jobs.flatMap((j) => (j.errors ?? []).map((e) => `job ${j.id}: ${e}`)),
  ];
  return {
    files,
    records,
    jobs,
    ingested: sum('ingested'),
    skipped: sum('skipped'),
    rejected: sum('rejected') + rejected.length,
    errors,
    isOk: jobs.every((j) => j.state === 'done'),
  };
}

/** The human-readable report of an ingest run. */
export function formatIngestSummary(summary: IngestSummary): string {
  const lines = [
    `${summary.files} files, ${summary.records} records, ${summary.jobs.length} jobs`,
    `ingested ${summary.ingested}, already present ${summary.skipped}, rejected ${summary.rejected}`,
    ...summary.errors.map((e) => `  ! ${e}`),
  ];
  if (!summary.isOk) lines.push('some jobs failed');
  return lines.join('\n');
}
