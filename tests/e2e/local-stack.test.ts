/**
 * End to end, as a user runs it: `npm start` on a fresh data dir with the trained demo bundle, a new knowledge file
 * dropped into the knowledge folder, a question only that file answers, a question nothing answers, and a demo flag
 * sent as a JPEG (not the stored file), which visual entity linking must still find.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  freePort,
  startLocalStack,
  waitForReady,
  type LocalStack,
} from '../support/local-stack/local-stack-process.js';

const BUNDLE_MANIFEST = resolve(import.meta.dirname, '../../models/ra-blip-mini/manifest.json');
/** The demo knowledge base `npm start` ingests (RABLIP_DEMO_KB_DIR's default), built on first start if missing. */
const DEMO_KB = resolve(import.meta.dirname, '../../build/kb/demo');
const hasTrainedBundle = existsSync(BUNDLE_MANIFEST);
if (!hasTrainedBundle) {
  console.warn(
    '\n**********************************************************************\n' +
      '* SKIPPED tests/e2e/local-stack.test.ts: models/ra-blip-mini/manifest.json\n' +
      '* does not exist. The end-to-end test needs the trained demo bundle:\n' +
      '* run `npm run train` (or commit the bundle) and this test runs.\n' +
      '**********************************************************************\n',
  );
}

const API_KEY = 'e2e-key-0123456789abcdef';
const FACT = { id: 'e2e-zorbania-capital', title: 'Zorbania', text: 'The capital of Zorbania is Quillport.' };

describe.skipIf(!hasTrainedBundle)('the local stack, end to end (needs models/ra-blip-mini)', () => {
  let workDir: string;
  let stack: LocalStack;

  async function ask(question: string, image?: Buffer) {
    const response = await fetch(`${stack.url}/v1/answer`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ question, ...(image && { image: image.toString('base64') }) }),
    });
    expect(response.status).toBe(200);
    return response.json();
  }

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'rablip-e2e-'));
    const port = await freePort();
    ({ stack } = startLocalStack({
      RABLIP_PORT: String(port),
      RABLIP_DATA_DIR: join(workDir, 'data'),
      RABLIP_KNOWLEDGE_DIR: join(workDir, 'knowledge'),
      RABLIP_API_KEY: API_KEY,
    }));
    // On a fresh clone the first start may build the knowledge base (npm run kb:build) before ingesting the demo.
    await waitForReady(stack, 590_000);
  }, 600_000);

  afterAll(async () => {
    await stack?.stop();
    await rm(workDir, { recursive: true, force: true });
  });

  it('prints the URL and the dev API key, and exactly one ready line', () => {
    expect(stack.stdout()).toContain(stack.url);
    expect(stack.stdout()).toContain(API_KEY);
    expect(
      stack
        .stdout()
        .split('\n')
        .filter((line) => /ready/.test(line)),
    ).toHaveLength(1);
  });

  it('answers from a knowledge file dropped into the knowledge folder, marking it relevant', async () => {
    await writeFile(join(workDir, 'knowledge', 'zorbania.jsonl'), `${JSON.stringify(FACT)}\n`);
    await eventually(
      async () => {
        const response = await fetch(`${stack.url}/v1/knowledge/${FACT.id}`, {
          headers: { authorization: `Bearer ${API_KEY}` },
        });
        return response.status === 200 ? true : undefined;
      },
      60_000,
      'the dropped file to be ingested',
    );
    const result = await ask('What is the capital of Zorbania?');
    expect(result.evidence[0]).toEqual(expect.objectContaining({ id: FACT.id, modality: 'text' }));
    expect(result.abstained).toBe(false);
    expect(result.answer.toLowerCase()).toContain('quillport');
    expect(result.evidence).toContainEqual(expect.objectContaining({ id: FACT.id, relevant: true }));
  }, 90_000);

  it('abstains on a question that no knowledge answers', async () => {
    const result = await ask('What is the capital of the Kingdom of Narnia?');
    expect(result.abstained).toBe(true);
  }, 60_000);

  it('links a demo flag sent as a JPEG to its stored item and answers; an invented flag links to nothing and abstains', async () => {
    const lines = (await readFile(join(DEMO_KB, 'knowledge.jsonl'), 'utf8')).split('\n').filter(Boolean);
    const flag = lines
      .map((line) => JSON.parse(line) as { id: string; kind?: string; display?: string; caption?: string })
      .find((item) => item.kind === 'flag' && item.display !== undefined);
    if (flag?.display === undefined) throw new Error(`no flag with a display image in ${DEMO_KB}`);
    const jpeg = await sharp(join(DEMO_KB, flag.display)).jpeg({ quality: 85 }).toBuffer();
    const known = await ask('Which country does this flag belong to?', jpeg);
    expect(known.evidence[0]).toEqual(expect.objectContaining({ id: flag.id, linked: true }));
    expect(known.abstained).toBe(false);

    // Pink, brown and grey: no country's colours. Chosen so that the model abstains a few logits inside the bundle's
    // unlinked-image threshold (from bias 0 up, against +4), not at its edge, whatever CPU runs the test.
    const bands = ['#ff69b4', '#8b4513', '#9e9e9e'].map(
      (fill, i) => `<rect y="${i * 40}" width="180" height="40" fill="${fill}"/>`,
    );
    const invented = await sharp(
      Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="180" height="120">${bands.join('')}</svg>`),
    )
      .jpeg({ quality: 85 })
      .toBuffer();
    const unknown = await ask('Which country does this flag belong to?', invented);
    expect(unknown.evidence.some((card: { linked?: boolean }) => card.linked)).toBe(false);
    // A picture of nothing the index holds gets the bundle's unlinked-image abstention threshold.
    expect(unknown.abstained).toBe(true);
  }, 60_000);
});
