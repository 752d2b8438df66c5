/**
 * The container as SageMaker runs it: the server in its own process, configured by environment, and stopped with
 * SIGTERM while an invocation is in flight. Twice: from the TypeScript source, and as the Dockerfile bundles it (the
 * esbuild command of its build stage, run here), so that the bundle's model thread is found and loads.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { requireTinyBundle } from './tiny-container.js';

let child: ChildProcess | undefined;
// Inside the repository, so that the bundle's external packages resolve from its node_modules.
mkdirSync('build', { recursive: true });
const bundleDir = mkdtempSync(join('build', 'container-bundle-'));

afterAll(() => {
  if (child?.exitCode === null) child.kill('SIGKILL');
  rmSync(bundleDir, { recursive: true, force: true });
});

/** Runs the Dockerfile's esbuild command with its output in `outdir`; returns the server script. */
function bundleAsDockerfile(outdir: string): string {
  const dockerfile = readFileSync('model-container/Dockerfile', 'utf8').replace(/\\\n/g, ' ');
  const command = /^RUN esbuild (.+)$/m.exec(dockerfile)?.[1];
  if (command === undefined) throw new Error('model-container/Dockerfile has no `RUN esbuild` line');
  const args = command.split(/\s+/).map((arg) => (arg.startsWith('--outdir=') ? `--outdir=${outdir}` : arg));
  execFileSync(join('node_modules', '.bin', 'esbuild'), [...args, '--log-level=warning']);
  return join(outdir, 'server.mjs');
}

const SERVERS = [
  { name: 'from source (tsx)', args: () => ['--import', 'tsx', 'model-container/server.ts'] },
  { name: 'as the Dockerfile bundles it', args: () => [bundleAsDockerfile(bundleDir)] },
];

/** Starts the server and resolves with its URL once it logs `ready`; collects every log line. */
async function startServer(
  args: readonly string[],
  env: Record<string, string>,
): Promise<{ url: string; events: Record<string, unknown>[] }> {
  child = spawn(process.execPath, args, {
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

describe.each(SERVERS)('the container process, $name', ({ args }) => {
  it('finishes the invocation in flight on SIGTERM, refuses new work, and exits 0', async () => {
    const { url, events } = await startServer(args(), {
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
