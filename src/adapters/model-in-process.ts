/**
 * ModelClient over a model runtime in this process: the `ModelRuntime` itself, or the worker thread that hosts one
 * (`model-worker.ts`, what `loadInProcessModelClient` starts). Concurrent calls of each operation are micro-batched,
 * so that they share graph calls: `generate` requests share decoder steps, and the question embeddings of concurrent
 * answers run as one `embed_text` call. Errors of ONNX Runtime itself become `model_unavailable`; the runtime's own
 * errors (bad image, bad input) pass through. The model container serves the same client.
 * @module
 */
import { MicroBatcher } from '../core/model/index.js';
import type { BatchStats, MicroBatcherOptions, ModelRuntimeOptions } from '../core/model/index.js';
import type {
  EmbeddedKnowledge,
  GenerateRequest,
  GenerateResult,
  KnowledgeInput,
  ModelClient,
  ModelInfo,
} from '../core/ports.js';
import { ModelWorker, asModelError } from './model-worker.js';

/** What the client batches over: a `ModelRuntime`, or a `ModelWorker` hosting one. */
export interface BatchableModel {
  info(): ModelInfo;
  embedText(texts: readonly string[]): Promise<Float32Array[]>;
  embedKnowledge(items: readonly KnowledgeInput[]): Promise<EmbeddedKnowledge[]>;
  generate(requests: readonly GenerateRequest[]): Promise<GenerateResult[]>;
  release(): Promise<void>;
}

/** Options of `createInProcessModelClient`. */
export interface BatchingClientOptions {
  /** Micro-batching of every operation. @default MicroBatcher's defaults */
  readonly batching?: MicroBatcherOptions;
  /** Where each batch is counted, per operation (`embed_text`, `embed_knowledge`, `generate`). */
  readonly stats?: BatchStats;
}

/** Options of `loadInProcessModelClient`. */
export interface InProcessModelOptions extends ModelRuntimeOptions, BatchingClientOptions {}

/** A ModelClient that also frees its model. */
export interface InProcessModelClient extends ModelClient {
  readonly runtime: BatchableModel;
  close(): Promise<void>;
}

/** Concatenates the inputs of several calls, runs them as one, and hands each its own slice back. */
function mergedRun<I, O>(run: (all: I[]) => Promise<O[]>): (calls: (readonly I[])[]) => Promise<O[][]> {
  return async (calls) => {
    const results = await run(calls.flat());
    let at = 0;
    return calls.map((c) => results.slice(at, (at += c.length)));
  };
}

/** `run`, counting each successful batch of `operation` in `stats` when given. */
function counted<Req, Res>(stats: BatchStats | undefined, operation: string, run: (requests: Req[]) => Promise<Res[]>) {
  if (stats === undefined) return run;
  return async (requests: Req[]): Promise<Res[]> => {
    const results = await run(requests);
    stats.recordBatch(operation, requests.length);
    return results;
  };
}

class BatchingModelClient implements InProcessModelClient {
  readonly runtime: BatchableModel;
  private readonly texts: MicroBatcher<readonly string[], Float32Array[]>;
  private readonly knowledge: MicroBatcher<readonly KnowledgeInput[], EmbeddedKnowledge[]>;
  private readonly answers: MicroBatcher<GenerateRequest, GenerateResult>;

  constructor(runtime: BatchableModel, options: BatchingClientOptions) {
    const { batching = {}, stats } = options;
    this.runtime = runtime;
    const embedText = mergedRun((texts: string[]) => runtime.embedText(texts));
    const embedKnowledge = mergedRun((items: KnowledgeInput[]) => runtime.embedKnowledge(items));
    this.texts = new MicroBatcher(counted(stats, 'embed_text', embedText), batching);
    this.knowledge = new MicroBatcher(counted(stats, 'embed_knowledge', embedKnowledge), batching);
    this.answers = new MicroBatcher(
      counted(stats, 'generate', (requests: GenerateRequest[]) => runtime.generate(requests)),
      batching,
    );
  }

  async info(): Promise<ModelInfo> {
    return this.runtime.info();
  }

  embedText(texts: readonly string[]): Promise<Float32Array[]> {
    return this.texts.submit(texts).catch(translate);
  }

  embedKnowledge(items: readonly KnowledgeInput[]): Promise<EmbeddedKnowledge[]> {
    return this.knowledge.submit(items).catch(translate);
  }

  generate(request: GenerateRequest): Promise<GenerateResult> {
    return this.answers.submit(request).catch(translate);
  }

  close(): Promise<void> {
    return this.runtime.release();
  }
}

function translate(error: unknown): never {
  throw asModelError(error);
}

/** Serves an already loaded runtime (or model thread) with micro-batching. */
export function createInProcessModelClient(
  runtime: BatchableModel,
  options: BatchingClientOptions = {},
): InProcessModelClient {
  return new BatchingModelClient(runtime, options);
}

/** Loads the bundle in `bundleDir` (checked against its manifest) on a model thread, and serves it. */
export async function loadInProcessModelClient(
  bundleDir: string,
  options: InProcessModelOptions = {},
): Promise<InProcessModelClient> {
  const { batching, stats, ...runtimeOptions } = options;
  const worker = await ModelWorker.start(bundleDir, runtimeOptions);
  return createInProcessModelClient(worker, { ...(batching && { batching }), ...(stats && { stats }) });
}
