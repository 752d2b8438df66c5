import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { formatAnswer, runAsk } from '../../../cli/ask-command.js';
import { formatIngestSummary, runIngest } from '../../../cli/ingest-command.js';
import { ApiClient, type AnswerResponse } from '../../../web/api-client.js';

/** What the test API received. */
interface Received {
  method: string;
  path: string;
  authorization: string | undefined;
  body: unknown;
}

const ANSWER: AnswerResponse = {
  answer: 'lima',
  abstained: false,
  evidence: [
    { id: 'peru-capital', modality: 'text', text: 'The capital of Peru is Lima.', score: 0.91, relevant: true },
    { id: 'chile-flag', modality: 'image', caption: 'flag of Chile', score: 0.42, relevant: false },
  ],
  usage: { modelMs: 12, promptTokens: 80, generatedTokens: 6 },
  timings: { embedMs: 2.4, retrieveMs: 0.6, generateMs: 14, totalMs: 18.2 },
};

let server: Server;
let url: string;
let dir: string;
const received: Received[] = [];
let jobPolls = new Map<string, number>();

beforeAll(async () => {
  const app = new Hono();
  app.use(async (c, next) => {
    const body = c.req.method === 'GET' ? undefined : await c.req.json();
    received.push({ method: c.req.method, path: c.req.path, authorization: c.req.header('authorization'), body });
    await next();
  });
  app.post('/v1/answer', (c) => c.json(ANSWER));
  app.post('/v1/knowledge', async (c) => {
    const id = `job-${jobPolls.size + 1}`;
    jobPolls.set(id, 0);
    return c.json({ id, state: 'queued' }, 201);
  });
  app.get('/v1/ingest/jobs/:id', (c) => {
    const id = c.req.param('id');
    const polls = (jobPolls.get(id) ?? 0) + 1;
    jobPolls.set(id, polls);
    if (polls < 2) return c.json({ id, state: 'queued' });
    const batch = received.find((r) => r.path === '/v1/knowledge' && jobIdOf(r) === id);
    const n = (batch?.body as { items: unknown[] }).items.length;
    return c.json({ id, state: 'done', counts: { ingested: n, skipped: 0, rejected: 0 } });
  });
  await new Promise<void>((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve()) as Server;
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dir = await mkdtemp(join(tmpdir(), 'rablip-cli-req-'));
  await writeFile(join(dir, 'q.png'), Buffer.from('89504e470d0a1a0a', 'hex'));
  await writeFile(
    join(dir, 'facts.jsonl'),
    Array.from({ length: 5 }, (_, i) => JSON.stringify({ id: `fact-${i}`, text: `fact number ${i}` })).join('\n'),
  );
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

beforeEach(() => {
  received.length = 0;
  jobPolls = new Map();
});

function jobIdOf(request: Received): string {
  const index = received.filter((r) => r.path === '/v1/knowledge').indexOf(request);
  return `job-${index + 1}`;
}

describe('rablip ask', () => {
  it('posts the question, the image as base64 and top-k with the bearer key', async () => {
    const result = await runAsk(new ApiClient(url, () => 'key-1'), {
      question: 'capital of Peru?',
      imagePath: join(dir, 'q.png'),
      topK: 3,
    });
    expect(result.answer).toBe('lima');
    expect(received).toEqual([
      {
        method: 'POST',
        path: '/v1/answer',
        authorization: 'Bearer key-1',
        body: {
          question: 'capital of Peru?',
          image: Buffer.from('89504e470d0a1a0a', 'hex').toString('base64'),
          topK: 3,
        },
      },
    ]);
  });

  it('prints the answer, the relevance of each reference and the timings', () => {
    const text = formatAnswer(ANSWER);
    expect(text.split('\n')[0]).toBe('lima');
    expect(text).toMatch(/✓ relevant\s+0\.910\s+\[text\] peru-capital/);
    expect(text).toMatch(/✗\s+0\.420\s+\[image\] chile-flag {2}flag of Chile/);
    expect(text).toContain('embed 2 ms · retrieve 1 ms · generate 14 ms · total 18 ms');
    expect(formatAnswer({ ...ANSWER, abstained: true, answer: '' })).toMatch(/^No answer: the model abstained/);
  });
});

describe('rablip ingest', () => {
  it('uploads the records in batches and waits for every job', async () => {
    const summary = await runIngest(new ApiClient(url, () => 'key-2'), {
      dir,
      batchItems: 2,
      showProgress: false,
      pollIntervalMs: 5,
    });
    const uploads = received.filter((r) => r.path === '/v1/knowledge');
    expect(uploads.map((u) => (u.body as { items: unknown[] }).items.length)).toEqual([2, 2, 1]);
    expect(uploads.every((u) => u.authorization === 'Bearer key-2')).toBe(true);
    expect((uploads[0]?.body as { items: unknown[] }).items[0]).toEqual({ id: 'fact-0', text: 'fact number 0' });
    expect(summary).toMatchObject({ records: 5, ingested: 5, rejected: 1, isOk: true });
    expect(summary.jobs.map((j) => j.state)).toEqual(['done', 'done', 'done']);
    expect(formatIngestSummary(summary)).toContain('ingested 5, already present 0, rejected 1');
  });
});

describe('the rablip binary', () => {
  it('runs ask --json against RABLIP_API_URL and exits 0', async () => {
    const { stdout } = await promisify(execFile)('node', ['cli/rablip-bin.js', 'ask', 'capital of Peru?', '--json'], {
      env: { ...process.env, RABLIP_API_URL: url, RABLIP_API_KEY: 'key-3' },
    });
    expect(JSON.parse(stdout)).toEqual(ANSWER);
    expect(received[0]?.authorization).toBe('Bearer key-3');
  });

  it('exits 2 with the usage on a bad command line', async () => {
    await expect(promisify(execFile)('node', ['cli/rablip-bin.js', 'ask'])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/needs a question[\s\S]*Usage:/),
    });
  });
});
