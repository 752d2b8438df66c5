/**
 * ModelClient over a `ModelRuntime` in this process (onnxruntime-node). Concurrent `generate` calls are micro-batched
 * so that they share decoder calls; embeddings run as they come. Errors of ONNX Runtime itself become
 * `model_unavailable`; the runtime's own errors (bad image, bad input) pass through.
 * @module
 */
import { AppError } from '../core/errors.js';
import { MicroBatcher, ModelRuntime } from '../core/model/index.js';
import type { MicroBatcherOptions, ModelRuntimeOptions } from '../core/model/index.js';
import type {
  EmbeddedKnowledge,
  GenerateRequest,
  GenerateResult,
  KnowledgeInput,
  ModelClient,
  ModelInfo,
} from '../core/ports.js';

/** Options of `createInProcessModelClient`. */
export interface InProcessModelOptions extends ModelRuntimeOptions {
  /** Micro-batching of `generate`. @default { maxBatch: 8, windowMs: 5 } */
  readonly batching?: MicroBatcherOptions;
}

/** A ModelClient that also frees its sessions. */
export interface InProcessModelClient extends ModelClient {
  readonly runtime: ModelRuntime;
  close(): Promise<void>;
}

class RuntimeModelClient implements InProcessModelClient {
  readonly runtime: ModelRuntime;
  private readonly batcher: MicroBatcher<GenerateRequest, GenerateResult>;

  constructor(runtime: ModelRuntime, batching: MicroBatcherOptions) {
    this.runtime = runtime;
    this.batcher = new MicroBatcher((requests) => runtime.generate(requests), batching);
  }

  async info(): Promise<ModelInfo> {
    return this.runtime.info();
  }

  embedText(texts: readonly string[]): Promise<Float32Array[]> {
    return this.runtime.embedText(texts).catch(translate);
  }

  embedKnowledge(items: readonly KnowledgeInput[]): Promise<EmbeddedKnowledge[]> {
    return this.runtime.embedKnowledge(items).catch(translate);
  }

  generate(request: GenerateRequest): Promise<GenerateResult> {
    return this.batcher.submit(request).catch(translate);
  }

  close(): Promise<void> {
    return this.runtime.release();
  }
}

function translate(error: unknown): never {
  if (error instanceof AppError) throw error;
  const message = error instanceof Error ? error.message : String(error);
  throw new AppError('model_unavailable', `model run failed: ${message}`, { cause: error });
}

/** Wraps an already loaded runtime. */
export function createInProcessModelClient(
  runtime: ModelRuntime,
  options: InProcessModelOptions = {},
): InProcessModelClient {
  return new RuntimeModelClient(runtime, options.batching ?? {});
}

/** Loads the bundle in `bundleDir` (checked against its manifest) and serves it in-process. */
export async function loadInProcessModelClient(
  bundleDir: string,
  options: InProcessModelOptions = {},
): Promise<InProcessModelClient> {
  return createInProcessModelClient(await ModelRuntime.load(bundleDir, options), options);
}
