/**
 * Sequential answers asked from a separate client process that runs at the lowest scheduling priority.
 *
 * Why: the server-side time of a request ends at the response's `finish`, which comes after the kernel has taken
 * the last bytes. On loopback that write wakes the client, and when client and server share a core (this machine has
 * two, and other work often holds one), the woken client preempts the server inside the write: the server's clock
 * then runs on while the client parses the response and sends the next request. Measured on the instant-model stack
 * with another process busy on the other core: `end()` -> `finish` p50 1.0-1.4 ms with the client at the server's
 * priority, 0.10-0.12 ms with the client at the lowest. That millisecond is the bench's own work, not the API's.
 * @module
 */
import { fork } from 'node:child_process';
import { resolve } from 'node:path';
import type { AnswerSample, SequentialAnswersOptions } from './measure-answers.js';
import { ClientMessageSchema, type MeasureRequest } from './sequential-client-messages.js';

const ENTRY = resolve(import.meta.dirname, 'sequential-client.ts');
const REPO_ROOT = resolve(import.meta.dirname, '../..');

/** `measureSequentialAnswers` in a forked client at the lowest priority; rejects if the client fails or exits. */
export async function measureSequentialAnswersYielding(options: SequentialAnswersOptions): Promise<AnswerSample[]> {
  // The child's stdout goes to our stderr: our stdout carries the bench's JSON only.
  const child = fork(ENTRY, [], {
    cwd: REPO_ROOT,
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 2, 'inherit', 'ipc'],
  });
  try {
    const reply = new Promise<unknown>((resolveReply, reject) => {
      child.once('message', resolveReply);
      child.once('error', reject);
      // After the reply this is a no-op: a settled promise ignores later calls.
      child.once('exit', (code) => reject(new Error(`the sequential client exited (${code}) before it answered`)));
    });
    const request: MeasureRequest = { type: 'measure', options: { ...options, questions: [...options.questions] } };
    child.send(request);
    const message = ClientMessageSchema.parse(await reply);
    if (message.type === 'failed') throw new Error(`the sequential client failed: ${message.message}`);
    return message.samples;
  } finally {
    if (child.exitCode === null) child.kill();
  }
}
