/**
 * Loading and refusing bundles. Uses the tiny ra-blip bundle that pytest exports (npm test runs pytest first),
 * copied and tampered with.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BundleMismatchError } from '../../../src/core/errors.js';
import { loadBundle, parseManifest } from '../../../src/core/model/index.js';
import type { BundleManifest } from '../../../src/core/model/index.js';
import { parityBundleDir, readFixture } from '../../parity/parity-fixture.js';

const SOURCE = parityBundleDir('ra-blip-tiny');
readFixture('ra-blip-tiny'); // fails with "run pytest first" when the bundle is absent
const copies: string[] = [];

afterEach(async () => {
  await Promise.all(copies.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function readManifest(): Promise<BundleManifest> {
  return JSON.parse(await readFile(join(SOURCE, 'manifest.json'), 'utf8')) as BundleManifest;
}

/** A copy of the parity bundle whose manifest `tamper` edited. */
async function tamperedBundle(tamper: (manifest: Record<string, unknown> & BundleManifest) => void): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'bundle-'));
  copies.push(dir);
  await cp(SOURCE, dir, { recursive: true });
  const manifest = (await readManifest()) as Record<string, unknown> & BundleManifest;
  tamper(manifest);
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest));
  return dir;
}

async function loadError(dir: string): Promise<BundleMismatchError> {
  const error: unknown = await loadBundle(dir, { intraOpNumThreads: 1 }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BundleMismatchError);
  return error as BundleMismatchError;
}

describe('loading a bundle', () => {
  it('creates one checked session per graph and the tokenizers', async () => {
    const bundle = await loadBundle(SOURCE, { intraOpNumThreads: 1 });
    try {
      expect(Object.keys(bundle.sessions).sort()).toEqual(
        ['embed_knowledge', 'embed_text', 'gen_decoder', 'gen_encoder', 'qformer', 'vision'].sort(),
      );
      expect(bundle.tokenizers.generator).toBe(bundle.tokenizers.qformer);
      expect(bundle.tokenizers.qformer.encode('hello')).toEqual([101, 7592, 102]);
    } finally {
      await bundle.release();
    }
  });
});

describe('refusing a bundle', () => {
  it('names an unsupported formatVersion', async () => {
    const error = await loadError(await tamperedBundle((m) => (m.formatVersion = 2 as 1)));
    expect(error.message).toMatch(/formatVersion 2 is not supported: this runtime reads formatVersion 1/);
    expect(error.code).toBe('bundle_mismatch');
  });

  it('names a missing graph file', async () => {
    const error = await loadError(await tamperedBundle((m) => (m.graphs.gen_decoder.file = 'absent.onnx')));
    expect(error.message).toMatch(/absent\.onnx is missing/);
    expect(error.graph).toBe('gen_decoder');
  });

  it('names the graph, tensor, expected and actual shape when a manifest shape disagrees with dims', async () => {
    const { nPatch, dVit } = (await readManifest()).dims;
    const dir = await tamperedBundle((m) => (m.graphs.vision.outputs[0]!.shape = ['batch', nPatch, dVit + 1]));
    const error = await loadError(dir);
    expect(error.graph).toBe('vision');
    expect(error.tensor).toBe('image_embeds');
    expect(error.message).toContain(`expected float32 [batch, ${nPatch}, ${dVit}]`);
    expect(error.message).toContain(`manifest says float32 [batch, ${nPatch}, ${dVit + 1}]`);
  });

  it('names a dims entry the graphs do not have', async () => {
    const { nPatch, dVit } = (await readManifest()).dims;
    const error = await loadError(await tamperedBundle((m) => (m.dims.dVit = dVit + 16)));
    expect(error.message).toContain(
      `manifest graph vision output image_embeds: expected float32 [batch, ${nPatch}, ${dVit + 16}]`,
    );
  });

  it('names a renamed tensor', async () => {
    const dir = await tamperedBundle((m) => (m.graphs.qformer.inputs[1]!.name = 'token_ids'));
    const error = await loadError(dir);
    expect(error.graph).toBe('qformer');
    expect(error.message).toMatch(/unexpected input token_ids/);
  });

  it('names a dynamic dim that differs from the contract', async () => {
    const dir = await tamperedBundle((m) => (m.graphs.gen_encoder.inputs[0]!.shape = ['batch', 'seq']));
    const error = await loadError(dir);
    expect(error.tensor).toBe('input_ids');
    expect(error.message).toContain('expected int64 [batch, enc_seq]');
  });

  it('compares each ONNX file with a self-consistent but wrong manifest', async () => {
    const { nHeads, dHead } = (await readManifest()).dims;
    const dir = await tamperedBundle((m) => {
      m.dims.nHeads = nHeads * 2;
      for (const graph of [m.graphs.gen_encoder, m.graphs.gen_decoder]) {
        for (const t of [...graph.inputs, ...graph.outputs]) if (t.shape.length === 4) t.shape[1] = nHeads * 2;
      }
    });
    const error = await loadError(dir);
    expect(error.graph).toBe('gen_encoder');
    expect(error.tensor).toBe('cross_0_k');
    expect(error.message).toBe(
      `graph gen_encoder tensor cross_0_k: manifest expects output float32 [batch, ${nHeads * 2}, enc_seq, ${dHead}], ` +
        `the ONNX file has output float32 [batch, ${nHeads}, enc_seq, ${dHead}]`,
    );
  });
});

describe('manifest schema', () => {
  it('accepts the exported manifest', async () => {
    expect(parseManifest(await readManifest()).family).toBe('ra-blip');
  });

  it('refuses unknown keys and a ra-blip bundle without its prompt', async () => {
    const manifest = await readManifest();
    expect(() => parseManifest({ ...manifest, extra: 1 })).toThrow(/Unrecognized key/);
    const noPrompt: Partial<BundleManifest> = { ...manifest };
    delete noPrompt.prompt;
    expect(() => parseManifest(noPrompt)).toThrow(/family ra-blip requires prompt/);
  });

  it('takes an optional finite abstention bias in the ASKG grammar', async () => {
    const manifest = await readManifest();
    const askg = { ...manifest.askg!, abstainLogitBias: -1 };
    expect(parseManifest({ ...manifest, askg }).askg?.abstainLogitBias).toBe(-1);
    expect(parseManifest(manifest).askg?.abstainLogitBias).toBeUndefined();
    expect(() => parseManifest({ ...manifest, askg: { ...askg, abstainLogitBias: 'low' } })).toThrow(
      /abstainLogitBias/,
    );
  });

  it('refuses a missing formatVersion with the supported one', () => {
    expect(() => parseManifest({ format: 'ra-blip-bundle' })).toThrow(/formatVersion undefined is not supported/);
  });
});
