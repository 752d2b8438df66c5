/**
 * The IPC messages between the bench (parent) and `stack-server.ts` (child), checked with zod where they arrive.
 * @module
 */
import { z } from 'zod';

/** Micro-batching of the in-process model's `generate` (see `MicroBatcherOptions`). */
export const BatchingSchema = z.object({ maxBatch: z.number().int().min(1), windowMs: z.number().min(0) });
export type Batching = z.infer<typeof BatchingSchema>;

/** What the child stack serves, passed as its one JSON argument. */
export const StackLaunchSchema = z.object({
  /** `bundle`: the in-process model as composed; `instant`: the same with instant `embedText` and `generate`. */
  model: z.enum(['bundle', 'instant']),
  /** Ingest the demo knowledge base before serving (a fresh data dir), and report how it went. */
  isIngesting: z.boolean(),
  /** Batch `generate` with these options instead of the ones `compose-services.ts` gives (a what-if). */
  batching: BatchingSchema.optional(),
});
export type StackLaunch = z.infer<typeof StackLaunchSchema>;

/** Request ids the child times: only those the bench sends, so that nothing else fills the map. */
export const BENCH_REQUEST_ID_PREFIX = 'bench-';

/** How the demo knowledge base ingest went in the child. */
export const IngestStatsSchema = z.object({
  ingested: z.number(),
  skipped: z.number(),
  rejected: z.number(),
  seconds: z.number(),
});
export type IngestStats = z.infer<typeof IngestStatsSchema>;

/** Child -> parent. */
export const ChildMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), port: z.number().int(), ingest: IngestStatsSchema.optional() }),
  /** Server-side ms per bench request id: from the `request` event to the response's `finish`. */
  z.object({ type: z.literal('server-timings'), serverMs: z.record(z.string(), z.number()) }),
  /** Sizes of the `generate` batches since the last ask (empty for the instant model). */
  z.object({ type: z.literal('batch-sizes'), sizes: z.array(z.number().int()) }),
  z.object({ type: z.literal('failed'), message: z.string() }),
]);
export type ChildMessage = z.infer<typeof ChildMessageSchema>;

/** Parent -> child. */
export const ParentMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('send-server-timings') }),
  z.object({ type: z.literal('send-batch-sizes') }),
  z.object({ type: z.literal('stop') }),
]);
export type ParentMessage = z.infer<typeof ParentMessageSchema>;
