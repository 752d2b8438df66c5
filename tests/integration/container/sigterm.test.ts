/**
 * The container as SageMaker runs it: `model-container/server.ts` in its own process, configured by environment, and
 * stopped with SIGTERM while an invocation is in flight.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { requireTinyBundle } from './tiny-container.js';

let child: ChildProcess | undefined;

afterAll(() => {
  if (child?.exitCode === null) child.kill('SIGKILL');
});

/** Starts server.ts and resolves with its URL once it logs `ready`; collects every log line. */
async function startServer(env: Record<string, string>): Promise<{ url: string; events: Record<string, unknown>[] }> {
  child = spawn(process.execPath, ['--import', 'tsx', 'model-container/server.ts'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const events: Record<string, unknown>[] = [];
  const ready = new Promise<string>((resolve, reject) => {
    let url = '';
    createInterface({ input: child!.stdout! }).on('line', (line) => {
      const event = JSON.parse(line) as Record<string, unknown>;
      events.push(event);
      if (event['event'] === 'listening') url = String(event['url']);
      if (event['event'] === 'ready') resolve(url);
      if (event['event'] === 'load_failed') reject(new Error(`container failed to load: ${line}`));
    });
    child!.once('exit', (code) => reject(new Error(`container exited with ${code} before it was ready`)));
  });
  return { url: await ready, events };
}

describe('the container process', () => {
  it('finishes the invocation in flight on SIGTERM, refuses new work, and exits 0', async () => {
    const { url, events } = await startServer({
      PORT: '0',
      RABLIP_HOST: '127.0.0.1',
      RABLIP_BUNDLE_DIR: requireTinyBundle(),
      RABLIP_EXECUTION_PROVIDERS: 'cpu',
      // The request waits this long in the batcher, so it is surely in flight when the signal arrives.
      RABLIP_BATCH_WAIT_MS: '400',
    });
    expect((await fetch(`${url}/ping`)).status).toBe(200);

    const inFlight = fetch(`${url}/invocations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', connection: 'close' },
      body: JSON.stringify({ operation: 'embed_text', texts: ['still answered after SIGTERM'] }),
    });
    while (
      ((await (await fetch(`${url}/stats`, { headers: { connection: 'close' } })).json()) as { inFlight: number })
        .inFlight < 1
    ) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const exited = once(child!, 'exit');
    child!.kill('SIGTERM');

    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(((await response.json()) as { embeddings: { dims: number[] } }).embeddings.dims[0]).toBe(1);
    await expect(fetch(`${url}/ping`)).rejects.toThrow();
    const [code] = await exited;
    expect(code).toBe(0);
    expect(events.map((e) => e['event'])).toEqual(expect.arrayContaining(['signal', 'draining', 'stopped']));
    expect(events.find((e) => e['event'] === 'stopped')).toMatchObject({ isDrained: true });
  });
});
