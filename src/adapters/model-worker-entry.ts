/**
 * The model thread: loads a `ModelRuntime` from `workerData` and answers the host's calls (`model-worker.ts`).
 * ONNX Runtime's `run` computes synchronously on the calling thread, so the model runs here, where it cannot hold up
 * the host's event loop (HTTP, retrieval, health checks). Errors go back as `{ code, message }`.
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ModelRuntime } from '../core/model/index.js';
import { asModelError } from './model-worker.js';
import type { ModelCall, ModelThreadError, ModelThreadMessage, ModelWorkerData } from './model-worker.js';

function toThreadError(error: unknown): ModelThreadError {
  const { code, message } = asModelError(error);
  return { code, message };
}

function run(runtime: ModelRuntime, call: ModelCall): Promise<unknown> {
  switch (call.op) {
    case 'embedText':
      return runtime.embedText(call.input);
    case 'embedKnowledge':
      return runtime.embedKnowledge(call.input);
    case 'generate':
      return runtime.generate(call.input);
  }
}

const port = parentPort;
if (port === null) throw new Error('model-worker-entry.ts runs as a worker thread (see model-worker.ts)');
const send = (message: ModelThreadMessage): void => port.postMessage(message);
const { bundleDir, options } = workerData as ModelWorkerData;
try {
  const runtime = await ModelRuntime.load(bundleDir, options);
  port.on('message', (call: ModelCall) => {
    run(runtime, call).then(
      (result) => send({ type: 'result', id: call.id, result }),
      (error: unknown) => send({ type: 'error', id: call.id, error: toThreadError(error) }),
    );
  });
  send({ type: 'ready', info: runtime.info() });
} catch (error) {
  send({ type: 'load-failed', error: toThreadError(error) });
}
