/**
 * The container's model: a `ModelRuntime` behind one `MicroBatcher` per operation, so that concurrent invocations
 * share graph calls. Unlike the in-process client (which batches `generate` only), the container also batches
 * embeddings, because many API instances send it one question each. Every batch is counted in `BatchStats`.
 * @module
 */
import { MicroBatcher, type ModelRuntime } from '../src/core/model/index.js';
import type {
  EmbeddedKnowledge,
  GenerateRequest,
  GenerateResult,
  KnowledgeInput,
  ModelClient,
  ModelInfo,
} from '../src/core/ports.js';
import { BatchStats } from './batch-stats.js';
import type { ServedModel } from './container-state.js';

export interface BatchingOptions {
  /** Most invocations merged into one model call. */
  readonly maxBatch: number;
  /** How long the first invocation of a batch waits for others, in ms. */
  readonly windowMs: number;
}

/** Concatenates the inputs of several invocations, runs them as one call, and hands each its own slice back. */
function mergedRun<I, O>(run: (all: I[]) => Promise<O[]>): (requests: (readonly I[])[]) => Promise<O[][]> {
  return async (requests) => {
    const results = await run(requests.flat());
    let at = 0;
    return requests.map((r) => results.slice(at, (at += r.length)));
  };
}

/** Counts each successful batch of `operation` in `stats`. */
function counted<Req, Res>(stats: BatchStats, operation: string, run: (requests: Req[]) => Promise<Res[]>) {
  return async (requests: Req[]): Promise<Res[]> => {
    const results = await run(requests);
    stats.recordBatch(operation, requests.length);
    return results;
  };
}

class BatchedModelClient implements ModelClient {
  private readonly texts: MicroBatcher<readonly string[], Float32Array[]>;
  private readonly knowledge: MicroBatcher<readonly KnowledgeInput[], EmbeddedKnowledge[]>;
  private readonly answers: MicroBatcher<GenerateRequest, GenerateResult>;

  constructor(
    private readonly runtime: ModelRuntime,
    stats: BatchStats,
    options: BatchingOptions,
  ) {
    const batcher = { maxBatch: options.maxBatch, windowMs: options.windowMs };
    this.texts = new MicroBatcher(
      counted(
        stats,
        'embed_text',
        mergedRun((t: string[]) => runtime.embedText(t)),
      ),
      batcher,
    );
    this.knowledge = new MicroBatcher(
      counted(
        stats,
        'embed_knowledge',
        mergedRun((k: KnowledgeInput[]) => runtime.embedKnowledge(k)),
      ),
      batcher,
    );
    this.answers = new MicroBatcher(
      counted(stats, 'generate', (r: GenerateRequest[]) => runtime.generate(r)),
      batcher,
    );
  }

  async info(): Promise<ModelInfo> {
    return this.runtime.info();
  }

  embedText(texts: readonly string[]): Promise<Float32Array[]> {
    return this.texts.submit(texts);
  }

  embedKnowledge(items: readonly KnowledgeInput[]): Promise<EmbeddedKnowledge[]> {
    return this.knowledge.submit(items);
  }

  generate(request: GenerateRequest): Promise<GenerateResult> {
    return this.answers.submit(request);
  }
}

/** Serves `runtime` with per-operation micro-batching. */
export function createBatchedModel(runtime: ModelRuntime, options: BatchingOptions): ServedModel {
  const stats = new BatchStats();
  return { client: new BatchedModelClient(runtime, stats, options), stats, release: () => runtime.release() };
}
