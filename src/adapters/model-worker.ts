/**
 * A `ModelRuntime` on its own worker thread. ONNX Runtime's `run` computes synchronously on the thread that calls it,
 * so a runtime on the main thread stops the event loop for every graph call: no request is parsed, no retrieval runs
 * and no health check answers while a batch decodes. On this thread the host only posts calls and awaits results
 * (`model-worker-entry.ts` is the other side). Inputs and results are structured-cloned (an image reference's
 * features are 50 kB).
 * @module
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { DEFAULT_RETRY_AFTER_S, appErrorForCode } from '../../model-container/wire-error.js';
import { AppError } from '../core/errors.js';
import type { ModelRuntimeOptions, RuntimeGenerateRequest } from '../core/model/index.js';
import type { EmbeddedKnowledge, GenerateResult, KnowledgeInput, ModelInfo } from '../core/ports.js';

/** What the thread is started with. */
export interface ModelWorkerData {
  readonly bundleDir: string;
  readonly options: ModelRuntimeOptions;
}

/** One call from the host; `id` pairs it with its reply. */
export type ModelCall =
  | { readonly id: number; readonly op: 'embedText'; readonly input: readonly string[] }
  | { readonly id: number; readonly op: 'embedKnowledge'; readonly input: readonly KnowledgeInput[] }
  | { readonly id: number; readonly op: 'generate'; readonly input: readonly RuntimeGenerateRequest[] };

/** An error as it crosses the thread boundary: an `AppError` code and its message. */
export interface ModelThreadError {
  readonly code: string;
  readonly message: string;
}

/** What the thread posts back. */
export type ModelThreadMessage =
  | { readonly type: 'ready'; readonly info: ModelInfo }
  | { readonly type: 'load-failed'; readonly error: ModelThreadError }
  | { readonly type: 'result'; readonly id: number; readonly result: unknown }
  | { readonly type: 'error'; readonly id: number; readonly error: ModelThreadError };

interface PendingCall {
  resolve(result: unknown): void;
  reject(error: unknown): void;
}

/**
 * A model failure as an `AppError`: the runtime's own errors (bad image, bad input) keep their class; anything else
 * (ONNX Runtime itself) becomes `model_unavailable`.
 */
export function asModelError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new AppError('model_unavailable', `model run failed: ${message}`, { cause: error });
}

const toAppError = (error: ModelThreadError): AppError =>
  appErrorForCode(error.code, error.message, { retryAfterS: DEFAULT_RETRY_AFTER_S });

/** tsx's ESM `register` API, found through its package.json (vitest has no `import.meta.resolve`). */
function tsxRegisterUrl(): string {
  const require = createRequire(import.meta.url);
  const packageJson = require.resolve('tsx/package.json');
  const { exports } = require(packageJson) as { exports: Record<string, { import: { default: string } }> };
  return pathToFileURL(join(dirname(packageJson), exports['./esm/api']!.import.default)).href;
}

/**
 * The thread's script. Next to this module: the `.ts` source under tsx or vitest, which the new thread loads through
 * tsx's loader (a worker does not inherit the host's loader hooks on Node 20); the `.mjs` file that the container
 * image builds beside its bundle (model-container/Dockerfile).
 */
function startThread(workerData: ModelWorkerData): Worker {
  if (!import.meta.url.endsWith('.ts'))
    return new Worker(new URL('./model-worker-entry.mjs', import.meta.url), { workerData });
  const tsx = tsxRegisterUrl();
  const entry = new URL('./model-worker-entry.ts', import.meta.url).href;
  const boot = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { eval: true, workerData });
}

/** A model runtime on a worker thread, with the runtime's calls. */
export class ModelWorker {
  private readonly pending = new Map<number, PendingCall>();
  private nextId = 0;
  private exitError: AppError | undefined;

  private constructor(
    private readonly worker: Worker,
    private readonly modelInfo: ModelInfo,
  ) {
    worker.on('message', (message: ModelThreadMessage) => this.settle(message));
    worker.on('error', (error) =>
      this.fail(new AppError('model_unavailable', `model thread crashed: ${error.message}`)),
    );
    worker.on('exit', (code) => this.fail(new AppError('model_unavailable', `model thread exited (code ${code})`)));
    worker.unref();
  }

  /** Starts the thread and loads `bundleDir` there; rejects with the load's own error (e.g. `bundle_mismatch`). */
  static start(bundleDir: string, options: ModelRuntimeOptions = {}): Promise<ModelWorker> {
    const worker = startThread({ bundleDir, options });
    return new Promise((resolve, reject) => {
      const onExit = (code: number) => reject(new AppError('model_unavailable', `model thread exited (code ${code})`));
      worker.once('error', reject);
      worker.once('exit', onExit);
      worker.once('message', (message: ModelThreadMessage) => {
        worker.off('error', reject);
        worker.off('exit', onExit);
        if (message.type === 'ready') resolve(new ModelWorker(worker, message.info));
        else {
          reject(message.type === 'load-failed' ? toAppError(message.error) : new Error(`unexpected ${message.type}`));
          void worker.terminate();
        }
      });
    });
  }

  info(): ModelInfo {
    return this.modelInfo;
  }

  embedText(texts: readonly string[]): Promise<Float32Array[]> {
    return this.call({ op: 'embedText', input: texts }) as Promise<Float32Array[]>;
  }

  embedKnowledge(items: readonly KnowledgeInput[]): Promise<EmbeddedKnowledge[]> {
    return this.call({ op: 'embedKnowledge', input: items }) as Promise<EmbeddedKnowledge[]>;
  }

  generate(requests: readonly RuntimeGenerateRequest[]): Promise<GenerateResult[]> {
    return this.call({ op: 'generate', input: requests }) as Promise<GenerateResult[]>;
  }

  /** Stops the thread (its sessions go with it); calls still running fail with `model_unavailable`. */
  async release(): Promise<void> {
    await this.worker.terminate();
  }

  private call(call: { op: ModelCall['op']; input: ModelCall['input'] }): Promise<unknown> {
    if (this.exitError !== undefined) return Promise.reject(this.exitError);
    const id = this.nextId++;
    // Held only while calls are out, so that an idle model thread never keeps the process alive.
    if (this.pending.size === 0) this.worker.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...call, id } as ModelCall);
    });
  }

  private settle(message: ModelThreadMessage): void {
    if (message.type !== 'result' && message.type !== 'error') return;
    const call = this.pending.get(message.id);
    if (call === undefined) return;
    this.pending.delete(message.id);
    if (this.pending.size === 0) this.worker.unref();
    if (message.type === 'result') call.resolve(message.result);
    else call.reject(toAppError(message.error));
  }

  private fail(error: AppError): void {
    this.exitError ??= error;
    for (const call of this.pending.values()) call.reject(error);
    this.pending.clear();
  }
}
