/**
 * The `npm start` wiring with a real (tiny, untrained) exported bundle: the trained-bundle refusal, the printed URL and
 * key, the one ready line, the demo knowledge base, the watcher (add, change, remove), and a restart on the same
 * data dir. Answer quality is the e2e test's business (tests/e2e/local-stack.test.ts, with the trained bundle).
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { solidPng } from '../../support/fakes/image-fixtures.js';
import {
  eventually,
  freePort,
  startLocalStack,
  waitForReady,
  type LocalStack,
} from '../../support/local-stack/local-stack-process.js';

const TINY_BUNDLE = resolve(import.meta.dirname, '../../../build/parity/ra-blip-tiny');
const hasTinyBundle = existsSync(join(TINY_BUNDLE, 'manifest.json'));
if (!hasTinyBundle) console.warn(`SKIPPED local-stack wiring: no ${TINY_BUNDLE} (pytest writes it in npm test)`);

describe('npm start without a trained bundle', () => {
  it('exits 1 telling the user to run npm run train, and never gets ready', async () => {
    const workDir = await mkdtemp(join(tmpdir(), 'rablip-nobundle-'));
    const { stack } = startLocalStack({
      RABLIP_PORT: String(await freePort()),
      RABLIP_BUNDLE_DIR: join(workDir, 'no-bundle'),
      RABLIP_DATA_DIR: join(workDir, 'data'),
    });
    expect(await stack.exited).toBe(1);
    expect(stack.stderr()).toMatch(/No trained model bundle at .*no-bundle/);
    expect(stack.stderr()).toContain('npm run train');
    expect(stack.stdout()).not.toMatch(/ready/);
    await rm(workDir, { recursive: true, force: true });
  }, 30_000);
});

describe.skipIf(!hasTinyBundle)('npm start with a bundle (tiny, untrained)', () => {
  let workDir: string;
  let env: Record<string, string>;
  let stack: LocalStack;
  let apiKey: string;

  const get = (path: string) => fetch(`${stack.url}${path}`, { headers: { authorization: `Bearer ${apiKey}` } });
  const statusOf = async (path: string) => (await get(path)).status;

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'rablip-stack-'));
    const demoDir = join(workDir, 'demo');
    await mkdir(join(demoDir, 'images'), { recursive: true });
    await writeFile(join(demoDir, 'images', 'flag.png'), await solidPng(64, 64));
    const demo = [
      { id: 'demo-capital', title: 'Peru', text: 'The capital of Peru is Lima.', entity: 'extra fields are ignored' },
      { id: 'demo-flag', image: 'images/flag.png', caption: 'Flag of Peru' },
    ];
    await writeFile(join(demoDir, 'knowledge.jsonl'), demo.map((line) => JSON.stringify(line)).join('\n'));
    env = {
      RABLIP_PORT: String(await freePort()),
      RABLIP_BUNDLE_DIR: TINY_BUNDLE,
      RABLIP_DATA_DIR: join(workDir, 'data'),
      RABLIP_KNOWLEDGE_DIR: join(workDir, 'knowledge'),
      RABLIP_DEMO_KB_DIR: demoDir,
      RABLIP_WEB_DIR: join(workDir, 'web'),
    };
    await mkdir(env.RABLIP_WEB_DIR as string);
    await writeFile(join(env.RABLIP_WEB_DIR as string, 'index.html'), '<!doctype html><title>RA-BLIP</title>');
    ({ stack } = startLocalStack(env));
    await waitForReady(stack, 90_000);
    apiKey = /dev API key\s+(\S+)/.exec(stack.stdout())?.[1] ?? '';
  }, 100_000);

  afterAll(async () => {
    await stack?.stop();
    await rm(workDir, { recursive: true, force: true });
  });

  it('prints the URL, a generated dev key and one ready line, after ingesting the demo knowledge base', async () => {
    expect(stack.stdout()).toContain(stack.url);
    expect(apiKey).toMatch(/^rablip_/);
    expect(
      stack
        .stdout()
        .split('\n')
        .filter((line) => /ready/.test(line)),
    ).toEqual([expect.stringContaining('serves 2 demo knowledge items')]);
    expect(await statusOf('/v1/knowledge/demo-capital')).toBe(200);
    const image = await get('/v1/knowledge/demo-flag/image');
    expect(image.headers.get('content-type')).toBe('image/png');
  });

  it('serves the web page and the API docs beside the API', async () => {
    expect(await (await fetch(`${stack.url}/`)).text()).toContain('<title>RA-BLIP</title>');
    expect((await fetch(`${stack.url}/openapi.json`)).status).toBe(200);
    expect((await fetch(`${stack.url}/v1/usage`)).status).toBe(401);
  });

  it('ingests a file dropped into the knowledge folder, follows its edits, and forgets it when removed', async () => {
    const file = join(env.RABLIP_KNOWLEDGE_DIR as string, 'notes.jsonl');
    await writeFile(file, `${JSON.stringify({ id: 'note-1', text: 'Lake Zorb is deep.' })}\n`);
    await eventually(
      async () => ((await statusOf('/v1/knowledge/note-1')) === 200 ? true : undefined),
      30_000,
      'note-1',
    );
    await writeFile(file, `${JSON.stringify({ id: 'note-2', text: 'Lake Zorb is cold.' })}\n`);
    await eventually(
      async () => ((await statusOf('/v1/knowledge/note-2')) === 200 ? true : undefined),
      30_000,
      'note-2',
    );
    expect(await statusOf('/v1/knowledge/note-1')).toBe(404);
    await unlink(file);
    await eventually(
      async () => ((await statusOf('/v1/knowledge/note-2')) === 404 ? true : undefined),
      30_000,
      'removal',
    );
  }, 100_000);

  it('answers through the real model (shape only: the tiny bundle is untrained)', async () => {
    const response = await fetch(`${stack.url}/v1/answer`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ question: 'What is the capital of Peru?', topK: 2 }),
    });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.evidence.map((card: { id: string }) => card.id).sort()).toEqual(['demo-capital', 'demo-flag']);
    expect(typeof body.abstained).toBe('boolean');
  }, 30_000);

  it('keeps key, knowledge and jobs across a restart, without ingesting the demo again', async () => {
    const file = join(env.RABLIP_KNOWLEDGE_DIR as string, 'kept.jsonl');
    await writeFile(file, `${JSON.stringify({ id: 'kept', text: 'Kept across restarts.' })}\n`);
    await eventually(async () => ((await statusOf('/v1/knowledge/kept')) === 200 ? true : undefined), 30_000, 'kept');
    await stack.stop();
    ({ stack } = startLocalStack(env));
    await waitForReady(stack, 90_000);
    expect(/dev API key\s+(\S+)/.exec(stack.stdout())?.[1]).toBe(apiKey);
    expect(stack.stderr()).not.toMatch(/demo knowledge base \|/);
    expect(await statusOf('/v1/knowledge/kept')).toBe(200);
    expect(await statusOf('/v1/knowledge/demo-flag')).toBe(200);
  }, 120_000);
});
