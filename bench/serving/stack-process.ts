/**
 * Parent side of `stack-server.ts`: forks the stack on a data dir, waits for it to serve, asks for its server-side
 * timings, stops it. Its stdout (one JSON log line per request) is drained and only its tail kept, for errors; its
 * stderr (the ingest progress bar) goes to ours.
 * @module
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { ChildMessageSchema, type ChildMessage, type IngestStats, type StackLaunch } from './stack-messages.js';

const ENTRY = resolve(import.meta.dirname, 'stack-server.ts');
const REPO_ROOT = resolve(import.meta.dirname, '../..');
const KEPT_OUTPUT_CHARS = 4_000;

/** A running child stack. */
export interface ServingStack {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** The demo ingest, when the launch asked for it. */
  readonly ingest?: IngestStats;
  /** Server-side ms per bench request id, so far. */
  serverTimings(): Promise<Map<string, number>>;
  /** Sizes of the `generate` batches since the last call. */
  takeBatchSizes(): Promise<number[]>;
  stop(): Promise<void>;
}

/** Options of `startServingStack`. */
export interface ServingStackOptions {
  readonly launch: StackLaunch;
  /** The `RABLIP_*` settings of the stack (on top of PATH and HOME only). */
  readonly settings: Readonly<Record<string, string>>;
  /** PATH and HOME for the child. */
  readonly baseEnv: Readonly<Record<string, string>>;
  /** How long loading the model and ingesting may take. */
  readonly startTimeoutMs: number;
}

/** Forks the stack and resolves once it serves (after the demo ingest, if asked). */
export async function startServingStack(options: ServingStackOptions): Promise<ServingStack> {
  const name = `${options.launch.model} stack`;
  const child = fork(ENTRY, [JSON.stringify(options.launch)], {
    cwd: REPO_ROOT,
    execArgv: ['--import', 'tsx'],
    env: { ...options.baseEnv, ...options.settings },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-KEPT_OUTPUT_CHARS)));
  const exited = once(child, 'exit');
  const messages: ChildMessage[] = [];
  const waiters: (() => void)[] = [];
  child.on('message', (raw) => {
    messages.push(ChildMessageSchema.parse(raw));
    waiters.splice(0).forEach((wake) => wake());
  });

  async function next<T extends ChildMessage['type']>(type: T, timeoutMs: number) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = messages.findIndex((m) => m.type === type || m.type === 'failed');
      if (index >= 0) {
        const message = messages.splice(index, 1)[0]!;
        if (message.type === 'failed') throw new Error(`the ${name} failed: ${message.message}`);
        if (isOfType(message, type)) return message;
      }
      if (child.exitCode !== null) throw new Error(`the ${name} exited early:\n${output}`);
      if (Date.now() > deadline) throw new Error(`no ${type} from the ${name} in ${timeoutMs} ms`);
      await Promise.race([new Promise<void>((wake) => waiters.push(wake)), exited, sleep(500)]);
    }
  }

  try {
    const ready = await next('ready', options.startTimeoutMs);
    return {
      url: `http://127.0.0.1:${ready.port}`,
      ...(ready.ingest !== undefined && { ingest: ready.ingest }),
      async serverTimings() {
        child.send({ type: 'send-server-timings' });
        return new Map(Object.entries((await next('server-timings', 10_000)).serverMs));
      },
      async takeBatchSizes() {
        child.send({ type: 'send-batch-sizes' });
        return (await next('batch-sizes', 10_000)).sizes;
      },
      async stop() {
        if (child.exitCode === null) child.send({ type: 'stop' });
        await Promise.race([exited, sleep(10_000).then(() => child.kill('SIGKILL'))]);
      },
    };
  } catch (error) {
    if (child.exitCode === null) child.kill('SIGKILL');
    throw error;
  }
}

function isOfType<T extends ChildMessage['type']>(
  message: ChildMessage,
  type: T,
): message is Extract<ChildMessage, { type: T }> {
  return message.type === type;
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms).unref());
}
