/**
 * Runs `functions/api/local.ts` (what `npm start` runs) as a child process for end-to-end tests, and waits for its
 * one `ready` line.
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

const REPO_ROOT = resolve(import.meta.dirname, '../../..');
const TSX = resolve(REPO_ROOT, 'node_modules/.bin/tsx');

export interface LocalStack {
  readonly url: string;
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** Resolves with the exit code. */
  readonly exited: Promise<number | null>;
  stop(): Promise<void>;
}

/** A port that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  await new Promise<void>((done) => server.close(() => done()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Starts the stack with these environment variables (on top of PATH and HOME only). */
export function startLocalStack(env: Record<string, string>): { child: ChildProcess; stack: LocalStack } {
  const child = spawn(TSX, ['functions/api/local.ts'], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const stack: LocalStack = {
    url: `http://localhost:${env.RABLIP_PORT ?? 8787}`,
    stdout: () => out,
    stderr: () => err,
    exited,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
  return { child, stack };
}

/** Waits for the line containing "ready" (or the process to exit first, which fails with its output). */
export async function waitForReady(stack: LocalStack, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let hasExited = false;
  void stack.exited.then(() => (hasExited = true));
  while (Date.now() < deadline) {
    const line = stack
      .stdout()
      .split('\n')
      .find((text) => /\bready\b/.test(text));
    if (line !== undefined) return line;
    if (hasExited) throw new Error(`the stack exited before ready:\n${stack.stdout()}\n${stack.stderr()}`);
    await new Promise((done) => setTimeout(done, 200));
  }
  throw new Error(`no ready line within ${timeoutMs} ms:\n${stack.stdout()}\n${stack.stderr()}`);
}

/** Polls `probe` until it returns a value, or fails after `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((done) => setTimeout(done, 250));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
