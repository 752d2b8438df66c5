/**
 * Embeds every knowledge item with the model runtime (retrieval vectors, and the ViT features of image items that
 * answer time reuses), cached on disk under `<cacheRoot>/<configHash>/<fingerprint>/` so that a re-run with the same
 * bundle and knowledge base skips the work. The fingerprint hashes every bundle file and `knowledge.jsonl`, so a
 * retrained bundle (or a rebuilt knowledge base) with an unchanged config never reads stale vectors.
 * @module
 */
import { createHash } from 'node:crypto';
import {
  createReadStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ModelRuntime } from '../../src/core/model/index.js';
import type { ImageFeatures, KnowledgeInput } from '../../src/core/ports.js';
import type { KnowledgeBase } from './eval-data.js';
import { startProgress } from './progress-line.js';

/** Vectors `[d_embed]` of every item and ViT features `[n_patch, d_vit]` of every image item, keyed by id. */
export interface KnowledgeEmbeddings {
  readonly vectors: ReadonlyMap<string, Float32Array>;
  readonly features: ReadonlyMap<string, ImageFeatures>;
  readonly cacheDir: string;
  readonly isFromCache: boolean;
}

/** Options of {@link embedKnowledgeBase}. */
export interface EmbedKnowledgeOptions {
  readonly cacheRoot: string;
  /** Items per `embedKnowledge` call. @default 64 */
  readonly chunkSize?: number;
}

interface CacheMeta {
  readonly ids: string[];
  readonly imageIds: string[];
  readonly dEmbed: number;
  readonly nPatch: number;
  readonly dVit: number;
}

async function hashFile(hash: ReturnType<typeof createHash>, path: string): Promise<void> {
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
}

/** sha256 over the bundle's files (by name) and the knowledge file, 16 hex digits. */
async function fingerprint(bundleDir: string, kb: KnowledgeBase): Promise<string> {
  const hash = createHash('sha256');
  for (const name of readdirSync(bundleDir).sort()) {
    hash.update(`${name}\0`);
    await hashFile(hash, join(bundleDir, name));
  }
  await hashFile(hash, join(kb.dir, 'knowledge.jsonl'));
  return hash.digest('hex').slice(0, 16);
}

function toInput(item: KnowledgeBase['items'][number], image?: Uint8Array): KnowledgeInput {
  if (item.modality === 'image') return { kind: 'image', image: image!, caption: item.caption! };
  return { kind: 'text', text: item.text! };
}

function readCache(dir: string): KnowledgeEmbeddings | undefined {
  const metaPath = join(dir, 'meta.json');
  if (!existsSync(metaPath)) return undefined;
  const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as CacheMeta;
  const vectorBlob = readFileSync(join(dir, 'vectors.f32'));
  const featureBlob = readFileSync(join(dir, 'features.f32'));
  const all = new Float32Array(vectorBlob.buffer, vectorBlob.byteOffset, vectorBlob.byteLength / 4);
  const allFeatures = new Float32Array(featureBlob.buffer, featureBlob.byteOffset, featureBlob.byteLength / 4);
  const featureSize = meta.nPatch * meta.dVit;
  const vectors = new Map(meta.ids.map((id, i) => [id, all.subarray(i * meta.dEmbed, (i + 1) * meta.dEmbed)]));
  const features = new Map(
    meta.imageIds.map((id, i) => [
      id,
      { dims: [meta.nPatch, meta.dVit] as const, data: allFeatures.subarray(i * featureSize, (i + 1) * featureSize) },
    ]),
  );
  return { vectors, features, cacheDir: dir, isFromCache: true };
}

function writeCache(
  dir: string,
  meta: CacheMeta,
  embeddings: Omit<KnowledgeEmbeddings, 'cacheDir' | 'isFromCache'>,
): void {
  const staging = `${dir}.partial-${process.pid}`;
  mkdirSync(staging, { recursive: true });
  const concat = (arrays: Float32Array[]) => {
    const out = new Float32Array(arrays.reduce((n, a) => n + a.length, 0));
    arrays.reduce((at, a) => (out.set(a, at), at + a.length), 0);
    return Buffer.from(out.buffer);
  };
  writeFileSync(join(staging, 'vectors.f32'), concat(meta.ids.map((id) => embeddings.vectors.get(id)!)));
  writeFileSync(join(staging, 'features.f32'), concat(meta.imageIds.map((id) => embeddings.features.get(id)!.data)));
  writeFileSync(join(staging, 'meta.json'), JSON.stringify(meta));
  try {
    renameSync(staging, dir); // atomic: a half-written cache is never read
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(dir)) throw error; // else another run cached the same inputs first
  }
}

/** Embeds the knowledge base with `runtime`, or reads the vectors a previous run cached for the same inputs. */
export async function embedKnowledgeBase(
  runtime: ModelRuntime,
  kb: KnowledgeBase,
  options: EmbedKnowledgeOptions,
): Promise<KnowledgeEmbeddings> {
  const { configHash } = runtime.manifest.model;
  const dir = join(
    options.cacheRoot,
    configHash.replace(/^sha256:/, '').slice(0, 16),
    await fingerprint(runtime.bundle.dir, kb),
  );
  const cached = readCache(dir);
  if (cached !== undefined) return cached;

  const chunkSize = options.chunkSize ?? 64;
  const vectors = new Map<string, Float32Array>();
  const features = new Map<string, ImageFeatures>();
  const progress = startProgress('embedding knowledge', kb.items.length);
  for (let at = 0; at < kb.items.length; at += chunkSize) {
    const chunk = kb.items.slice(at, at + chunkSize);
    const images = await Promise.all(
      chunk.map((item) => (item.image === undefined ? undefined : readFile(join(kb.dir, item.image)))),
    );
    const embedded = await runtime.embedKnowledge(chunk.map((item, i) => toInput(item, images[i])));
    chunk.forEach((item, i) => {
      vectors.set(item.id, embedded[i]!.embedding);
      if (embedded[i]!.features !== undefined) features.set(item.id, embedded[i]!.features!);
    });
    progress.advance(chunk.length);
  }
  progress.finish();
  const { dims } = runtime.manifest;
  const meta: CacheMeta = {
    ids: kb.items.map((item) => item.id),
    imageIds: kb.items.filter((item) => features.has(item.id)).map((item) => item.id),
    dEmbed: dims.dEmbed ?? 0,
    nPatch: dims.nPatch,
    dVit: dims.dVit,
  };
  writeCache(dir, meta, { vectors, features });
  return { vectors, features, cacheDir: dir, isFromCache: false };
}
