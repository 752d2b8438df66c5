/**
 * An in-memory JobStore for unit tests of logic; keeps every state a job went through.
 * @module
 */
import type { IngestJob, JobStore } from '../../../src/core/ports.js';

export class MemoryJobStore implements JobStore {
  readonly jobs = new Map<string, IngestJob>();
  /** Every `put`, in order, so tests can see queued -> done. */
  readonly history: IngestJob[] = [];

  async put(job: IngestJob): Promise<void> {
    this.jobs.set(`${job.tenant}\0${job.id}`, job);
    this.history.push(job);
  }

  async get(tenant: string, id: string): Promise<IngestJob | undefined> {
    return this.jobs.get(`${tenant}\0${id}`);
  }
}
