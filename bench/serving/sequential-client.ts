/**
 * Child-process entry of the serving bench's sequential client: lowers its own scheduling priority to the least,
 * asks the questions it is sent one after another (`measureSequentialAnswers`), and sends the samples back.
 * Why a separate, low-priority process: see `sequential-client-process.ts`, which forks it.
 * @module
 */
import { setPriority } from 'node:os';
import { measureSequentialAnswers } from './measure-answers.js';
import { MeasureRequestSchema, type ClientMessage } from './sequential-client-messages.js';

/** The nice value of the least favoured process (POSIX); Windows maps it to its idle class. */
const LOWEST_PRIORITY = 19;

function send(message: ClientMessage): Promise<void> {
  return new Promise((done) => {
    if (process.send === undefined) done();
    else process.send(message, () => done());
  });
}

async function measure(raw: unknown): Promise<ClientMessage> {
  try {
    const { options } = MeasureRequestSchema.parse(raw);
    // On Linux this lowers the calling (main) thread only: the one that sends requests and reads responses.
    setPriority(LOWEST_PRIORITY);
    return { type: 'samples', samples: await measureSequentialAnswers(options) };
  } catch (error) {
    return { type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
}

process.once('message', (raw) => {
  // Exit once the message is out: an exit right after `send` can drop it.
  void measure(raw)
    .then(send)
    .finally(() => process.exit(0));
});
