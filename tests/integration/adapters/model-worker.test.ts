/**
 * The model on its worker thread (`ModelWorker`), with the tiny exported bundle: the same results as the runtime on
 * this thread, errors that keep their class across the boundary, a host event loop that keeps turning while the
 * model computes, and a clear error once the thread is gone.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelWorker } from '../../../src/adapters/model-worker.js';
import { AppError, InvalidImageError } from '../../../src/core/errors.js';
import { ModelRuntime } from '../../../src/core/model/index.js';
import { requireTinyBundle } from '../container/tiny-container.js';

let worker: ModelWorker;
let runtime: ModelRuntime;

beforeAll(async () => {
  const bundle = requireTinyBundle();
  [worker, runtime] = await Promise.all([ModelWorker.start(bundle), ModelRuntime.load(bundle)]);
});

afterAll(async () => {
  await Promise.all([worker.release(), runtime.release()]);
});

const request = (question: string) => ({
  question,
  references: [{ id: 'peru', kind: 'text' as const, text: 'Peru: capital Lima, currency sol.', score: 0.83 }],
});

describe('ModelWorker', () => {
  it('answers as the runtime on this thread does', async () => {
    expect(worker.info()).toEqual(runtime.info());
    const texts = ['What is the capital of Peru?', 'Which flag is red and white?'];
    expect(await worker.embedText(texts)).toEqual(await runtime.embedText(texts));
    const requests = [request('What is the capital of Peru?'), request('What currency does Peru use?')];
    const [fromWorker, here] = await Promise.all([worker.generate(requests), runtime.generate(requests)]);
    expect(fromWorker.map((r) => r.text)).toEqual(here!.map((r) => r.text));
  });

  it('keeps the error class and code of a failed call, and goes on serving', async () => {
    const notAnImage = { kind: 'image' as const, image: new TextEncoder().encode('not a png'), caption: 'x' };
    await expect(worker.embedKnowledge([notAnImage])).rejects.toBeInstanceOf(InvalidImageError);
    const stale = { dims: [3, 3] as const, data: new Float32Array(9) };
    const bad = { ...request('q'), references: [{ id: 'old', kind: 'image' as const, features: stale, caption: 'x' }] };
    await expect(worker.generate([bad])).rejects.toMatchObject({ code: 'invalid_input' });
    expect(await worker.embedText(['still here'])).toHaveLength(1);
  });

  it('leaves the host event loop free while the model computes', async () => {
    const texts = Array.from({ length: 3_000 }, (_, i) => `question number ${i} about the flag of a country`);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const started = performance.now();
    await worker.embedText(texts);
    const elapsed = performance.now() - started;
    clearInterval(timer);
    expect(elapsed).toBeGreaterThan(50);
    // On this thread the same call would not let a single tick through until it returned.
    expect(ticks).toBeGreaterThanOrEqual(Math.floor(elapsed / 5 / 4));
  });

  it('refuses a bundle it cannot load with the load error itself', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bad-bundle-'));
    try {
      writeFileSync(join(dir, 'manifest.json'), '{"formatVersion": 999}');
      const failed = await ModelWorker.start(dir).catch((error: unknown) => error);
      expect(failed).toBeInstanceOf(AppError);
      expect((failed as AppError).message).toMatch(/manifest/i);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails calls with model_unavailable once the thread is gone', async () => {
    const doomed = await ModelWorker.start(requireTinyBundle());
    await doomed.release();
    await expect(doomed.embedText(['anyone there?'])).rejects.toMatchObject({ code: 'model_unavailable' });
  });
});
