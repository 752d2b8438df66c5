/**
 * Turns what the user picked into knowledge records for `POST /v1/knowledge`: the lines of a JSONL file, or one
 * image with its caption; then polls the ingest job until it is done or failed.
 * @module
 */
import type { ApiClient, IngestJob, KnowledgeRecord } from './api-client.js';

/** Reads a file as base64 (no data-URL prefix). */
export async function readBase64(file: Blob): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** The records of a JSONL file; a line that is not JSON is reported with its number. */
export function parseJsonlRecords(text: string): { records: KnowledgeRecord[]; errors: string[] } {
  const records: KnowledgeRecord[] = [];
  const errors: string[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '') return;
    try {
      records.push(JSON.parse(line) as KnowledgeRecord);
    } catch {
      errors.push(`line ${index + 1}: not JSON`);
    }
  });
  return { records, errors };
}

/** Most records in one `POST /v1/knowledge` (the API's `MAX_UPLOAD_ITEMS`). */
export const MAX_RECORDS_PER_UPLOAD = 100;
/** JSON bytes per upload request: under the API's 5 MiB body limit, with room for the envelope. */
export const MAX_UPLOAD_BYTES = 4 * 1024 * 1024;

/** Packs records into batches of at most `maxItems` records and about `maxBytes` of JSON each. */
export function batchRecords(
  records: readonly KnowledgeRecord[],
  limits: { readonly maxItems: number; readonly maxBytes: number },
): KnowledgeRecord[][] {
  const encoder = new TextEncoder();
  const batches: KnowledgeRecord[][] = [];
  let current: KnowledgeRecord[] = [];
  let bytes = 0;
  for (const record of records) {
    const size = encoder.encode(JSON.stringify(record)).length + 1;
    if (current.length > 0 && (current.length >= limits.maxItems || bytes + size > limits.maxBytes)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(record);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** One image+caption record. */
export async function imageRecord(image: File, caption: string, title: string): Promise<KnowledgeRecord> {
  return { image: await readBase64(image), caption, ...(title ? { title } : {}) };
}

/** Polls a job every `intervalMs` until it leaves `queued`, reporting each state. */
export async function pollJob(
  api: ApiClient,
  job: IngestJob,
  onUpdate: (job: IngestJob) => void,
  intervalMs = 500,
  timeoutMs = 120_000,
): Promise<IngestJob> {
  const deadline = Date.now() + timeoutMs;
  let current = job;
  onUpdate(current);
  while (current.state === 'queued' && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    current = await api.job(current.id);
    onUpdate(current);
  }
  return current;
}

/** A one-line description of a job for the status region. */
export function describeJob(job: IngestJob): string {
  if (job.state === 'queued') return `Job ${job.id}: queued…`;
  if (job.state === 'failed') return `Job ${job.id} failed: ${job.errors?.join('; ') ?? 'unknown reason'}`;
  const c = job.counts;
  const counts = c ? `${c.ingested} ingested, ${c.skipped} already present, ${c.rejected} rejected` : 'done';
  const errors = job.errors?.length ? ` (${job.errors.join('; ')})` : '';
  return `Job ${job.id} done: ${counts}${errors}`;
}
