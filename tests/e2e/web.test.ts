/**
 * The web page in Debian's Chromium (playwright-core, headless) against the real API and the real model container
 * (tiny bundle with random weights, so the answers are noise: the flow is checked for shapes and rendering). Two
 * rendering checks replace the answer with a fixed one through Playwright routing, to see both relevance marks and
 * an abstention drawn as they must be.
 */
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebStack, type WebStack } from './web-stack.js';

const ROOT = join(import.meta.dirname, '../..');
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const API_KEY = 'rablip_web_test_key_0123456789';

let stack: WebStack;
let browser: Browser;
let page: Page;
let flagPng: Buffer;
const offOrigin: string[] = [];

/** Peru's flag, 48x32: red, white, red. */
async function peruFlag(): Promise<Buffer> {
  const red = { r: 217, g: 16, b: 35 };
  const white = await sharp({ create: { width: 16, height: 32, channels: 3, background: '#ffffff' } })
    .png()
    .toBuffer();
  return sharp({ create: { width: 48, height: 32, channels: 3, background: red } })
    .composite([{ input: white, left: 16, top: 0 }])
    .png()
    .toBuffer();
}

beforeAll(async () => {
  await promisify(execFile)('npm', ['run', '--silent', 'build:web'], { cwd: ROOT });
  [stack, flagPng] = await Promise.all([startWebStack(API_KEY, join(ROOT, 'web')), peruFlag()]);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
  page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  page.on('request', (request) => {
    if (!request.url().startsWith(stack.origin) && !request.url().startsWith('blob:')) offOrigin.push(request.url());
  });
  await page.goto(stack.origin);
  await page.getByLabel('API key').fill(API_KEY);
  await page.getByRole('button', { name: 'Save key' }).click();
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

async function ask(question: string, image?: Buffer): Promise<void> {
  await page.getByLabel('Question').fill(question);
  const imageInput = page.getByLabel(/^Image \(optional/);
  await (image
    ? imageInput.setInputFiles({ name: 'q.png', mimeType: 'image/png', buffer: image })
    : imageInput.setInputFiles([]));
  await page.getByRole('button', { name: 'Ask' }).click();
}

describe('the web page on the real API', () => {
  it('keeps the API key in localStorage', async () => {
    await expect(page.evaluate(() => localStorage.getItem('rablip.apiKey'))).resolves.toBe(API_KEY);
  });

  it('uploads an image with its caption and follows the queued job until it is done', async () => {
    // The local API ingests uploads at once; report the job as queued so that the page has to poll the real route.
    await page.route('**/v1/knowledge', async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, json: { ...(await response.json()), state: 'queued' } });
    });
    const polled = page.waitForRequest((r) => r.url().includes('/v1/ingest/jobs/'));
    await page
      .getByLabel('Image', { exact: true })
      .setInputFiles({ name: 'peru.png', mimeType: 'image/png', buffer: flagPng });
    await page.getByLabel('Caption').fill('flag of Peru');
    await page.getByRole('button', { name: 'Upload image' }).click();
    await polled;
    await page.getByText(/done: 1 ingested, 0 already present, 0 rejected/).waitFor();
    await page.unroute('**/v1/knowledge');
  });

  it('uploads a JSONL file and reports the line it could not read', async () => {
    const jsonl = [
      '{"id":"peru-capital","title":"Peru","text":"The capital of Peru is Lima."}',
      'not json',
      '{"id":"chile-capital","title":"Chile","text":"The capital of Chile is Santiago."}',
    ].join('\n');
    await page
      .getByLabel('File')
      .setInputFiles({ name: 'kb.jsonl', mimeType: 'application/x-ndjson', buffer: Buffer.from(jsonl) });
    await page.getByRole('button', { name: 'Upload file' }).click();
    await page.getByText(/done: 2 ingested.*line 2: not JSON/).waitFor();
  });

  it('asks with an image and shows the answer, the timings and one marked card per reference', async () => {
    await ask('What is the capital of the country whose flag this is?', flagPng);
    await page.locator('.answer').waitFor();
    expect(['Answer', 'No answer']).toContain(await page.locator('.answer h3').textContent());
    expect(await page.locator('.timings').textContent()).toMatch(/embed \d+ ms · retrieve \d+ ms .* total \d+ ms/);
    const cards = page.locator('.evidence');
    expect(await cards.count()).toBe(3);
    for (const mark of await page.locator('.evidence .relevance').allTextContents()) {
      expect(['✓ Relevant', '✗ Not relevant']).toContain(mark);
    }
    for (const score of await page.locator('.evidence .score').allTextContents())
      expect(score).toMatch(/^score -?\d\.\d{3}$/);
    // The thumbnail comes from GET /v1/knowledge/{id}/image, fetched with the bearer key.
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('.evidence img.thumbnail');
      return img !== null && img.complete && img.naturalWidth === 48;
    });
    expect(await page.locator('.evidence img.thumbnail').getAttribute('alt')).toBe('flag of Peru');
    mkdirSync(join(ROOT, 'build/screenshots'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'build/screenshots/web.png'), fullPage: true });
  });

  it('shows the API error of an unknown key', async () => {
    await page.getByLabel('API key').fill('not-a-key');
    await ask('capital of Peru?');
    await page.getByText(/^Error: /).waitFor();
    expect(await page.locator('#ask-status').textContent()).toMatch(/unauthorized.*HTTP 401/);
    await page.getByLabel('API key').fill(API_KEY);
  });

  it('loads nothing from outside its own origin', () => {
    expect(offOrigin).toEqual([]);
  });
});

describe('the rendering of an answer', () => {
  const base = {
    usage: { promptTokens: 96, generatedTokens: 7, modelMs: 16.1 },
    timings: { embedMs: 2.4, retrieveMs: 0.6, assembleMs: 0.3, generateMs: 14.2, totalMs: 18.1 },
  };

  it('marks the references the model used as relevant and the others as not', async () => {
    await page.route('**/v1/answer', (route) =>
      route.fulfill({
        json: {
          ...base,
          answer: 'lima',
          abstained: false,
          evidence: [
            {
              id: 'peru-capital',
              modality: 'text',
              text: 'The capital of Peru is Lima.',
              source: 's',
              score: 0.9123,
              relevant: true,
            },
            {
              id: 'chile-capital',
              modality: 'text',
              text: 'The capital of Chile is Santiago.',
              source: 's',
              score: 0.4012,
              relevant: false,
            },
          ],
        },
      }),
    );
    await ask('capital of Peru?');
    await page.locator('.answer-text').waitFor();
    expect(await page.locator('.answer-text').textContent()).toBe('lima');
    expect(await page.locator('.evidence[data-id="peru-capital"] .relevance').textContent()).toBe('✓ Relevant');
    expect(await page.locator('.evidence[data-id="chile-capital"] .relevance').textContent()).toBe('✗ Not relevant');
    expect(await page.locator('.evidence[data-id="peru-capital"] .score').textContent()).toBe('score 0.912');
    await page.unroute('**/v1/answer');
  });

  it('says plainly when the model abstains', async () => {
    await page.route('**/v1/answer', (route) =>
      route.fulfill({
        json: {
          ...base,
          answer: '',
          abstained: true,
          evidence: [
            { id: 'chile-capital', modality: 'text', text: 'Santiago.', source: 's', score: 0.21, relevant: false },
          ],
        },
      }),
    );
    await ask('Who won the 1930 world cup?');
    await page.locator('.abstention').waitFor();
    expect(await page.locator('.answer h3').textContent()).toBe('No answer');
    expect(await page.locator('.answer-text').count()).toBe(0);
    expect(await page.locator('#ask-status').textContent()).toBe('The model abstained.');
    expect(await page.locator('.unlinked-image').count()).toBe(0);
    await page.unroute('**/v1/answer');
  });

  it('says so when it abstained on a picture that matches nothing stored', async () => {
    await page.route('**/v1/answer', (route) =>
      route.fulfill({
        json: { ...base, answer: '', abstained: true, questionImage: { linked: false }, evidence: [] },
      }),
    );
    await ask('Whose flag is this?', flagPng);
    await page.locator('.unlinked-image').waitFor();
    expect(await page.locator('.unlinked-image').textContent()).toMatch(/matches no image in the knowledge base/);
    await page.unroute('**/v1/answer');
  });
});
