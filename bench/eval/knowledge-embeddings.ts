/**
 * Embeds every knowledge item with the model runtime (retrieval vectors, the ViT features of image items that
 * answer time reuses, and the visual keys of image items that visual entity linking searches), cached on disk under
 * `<cacheRoot>/<configHash>/<fingerprint>/` so that a re-run with the same bundle and knowledge base skips the work.
 * The fingerprint hashes every bundle file and `knowledge.jsonl`, so a retrained bundle (or a rebuilt knowledge base)
 * with an unchanged config never reads stale vectors. A cache without the current kind of visual key gets them added.
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
import { computeVisualKeys } from '../../src/core/model/visual-keys.js';
import type { ImageFeatures, KnowledgeInput } from '../../src/core/ports.js';
import type { KnowledgeBase } from './eval-data.js';
import { startProgress } from './progress-line.js';

/**
 * Vectors `[d_embed]` of every item, ViT features `[n_patch, d_vit]` and visual keys `[d_embed]` (`computeVisualKeys`) of every image item,
 * keyed by id.
 */
export interface KnowledgeEmbeddings {
  readonly vectors: ReadonlyMap<string, Float32Array>;
  readonly features: ReadonlyMap<string, ImageFeatures>;
  readonly visualKeys: ReadonlyMap<string, Float32Array>;
  readonly cacheDir: string;
  /** Whether the vectors and features came from the cache. */
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

type CachedEmbeddings = Omit<KnowledgeEmbeddings, 'visualKeys' | 'cacheDir' | 'isFromCache'> & { meta: CacheMeta };

/** Named for the kind of key, so a cache of another kind (the model's image embeddings, `visual-keys.f32`) is not read. */
const VISUAL_KEYS_FILE = 'pixel-keys.f32';

function asFloats(blob: Buffer): Float32Array {
  return new Float32Array(blob.buffer, blob.byteOffset, blob.byteLength / 4);
}

function readCache(dir: string): CachedEmbeddings | undefined {
  const metaPath = join(dir, 'meta.json');
  if (!existsSync(metaPath)) return undefined;
  const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as CacheMeta;
  const vectorBlob = readFileSync(join(dir, 'vectors.f32'));
  const featureBlob = readFileSync(join(dir, 'features.f32'));
  const all = asFloats(vectorBlob);
  const allFeatures = asFloats(featureBlob);
  const featureSize = meta.nPatch * meta.dVit;
  const vectors = new Map(meta.ids.map((id, i) => [id, all.subarray(i * meta.dEmbed, (i + 1) * meta.dEmbed)]));
  const features = new Map(
    meta.imageIds.map((id, i) => [
      id,
      { dims: [meta.nPatch, meta.dVit] as const, data: allFeatures.subarray(i * featureSize, (i + 1) * featureSize) },
    ]),
  );
  return { vectors, features, meta };
}

/** The visual keys cached beside the vectors, or undefined when the cache predates them. */
function readVisualKeys(dir: string, meta: CacheMeta): Map<string, Float32Array> | undefined {
  const path = join(dir, VISUAL_KEYS_FILE);
  if (!existsSync(path)) return undefined;
  const all = asFloats(readFileSync(path));
  if (all.length !== meta.imageIds.length * meta.dEmbed) return undefined;
  return new Map(meta.imageIds.map((id, i) => [id, all.subarray(i * meta.dEmbed, (i + 1) * meta.dEmbed)]));
}

function concatFloats(arrays: readonly Float32Array[]): Buffer {
  const out = new Float32Array(arrays.reduce((n, a) => n + a.length, 0));
  arrays.reduce((at, a) => (out.set(a, at), at + a.length), 0);
  return Buffer.from(out.buffer);
}

/** Writes the visual keys into an existing cache dir; the rename makes the file appear whole or not at all. */
function writeVisualKeys(dir: string, meta: CacheMeta, keys: ReadonlyMap<string, Float32Array>): void {
  const staging = join(dir, `${VISUAL_KEYS_FILE}.partial-${process.pid}`);
  writeFileSync(staging, concatFloats(meta.imageIds.map((id) => keys.get(id)!)));
  renameSync(staging, join(dir, VISUAL_KEYS_FILE));
}

/** Visual keys of the image items, as ingest computes them (`computeVisualKeys`). */
async function computeKnowledgeVisualKeys(
  kb: KnowledgeBase,
  imageIds: readonly string[],
  dEmbed: number,
  chunkSize: number,
): Promise<Map<string, Float32Array>> {
  const byId = new Map(kb.items.map((item) => [item.id, item]));
  const keys = new Map<string, Float32Array>();
  const progress = startProgress('computing visual keys', imageIds.length);
  for (let at = 0; at < imageIds.length; at += chunkSize) {
    const chunk = imageIds.slice(at, at + chunkSize);
    const images = await Promise.all(chunk.map((id) => readFile(join(kb.dir, byId.get(id)!.image!))));
    const computed = await computeVisualKeys(images, dEmbed);
    chunk.forEach((id, i) => keys.set(id, computed[i]!));
    progress.advance(chunk.length);
  }
  progress.finish();
  return keys;
}

function writeCache(
  dir: string,
  meta: CacheMeta,
  embeddings: Omit<KnowledgeEmbeddings, 'cacheDir' | 'isFromCache'>,
): void {
  const staging = `${dir}.partial-${process.pid}`;
  mkdirSync(staging, { recursive: true });
  writeFileSync(join(staging, 'vectors.f32'), concatFloats(meta.ids.map((id) => embeddings.vectors.get(id)!)));
  writeFileSync(
    join(staging, 'features.f32'),
    concatFloats(meta.imageIds.map((id) => embeddings.features.get(id)!.data)),
  );
  writeFileSync(
    join(staging, VISUAL_KEYS_FILE),
    concatFloats(meta.imageIds.map((id) => embeddings.visualKeys.get(id)!)),
  );
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
  const chunkSize = options.chunkSize ?? 64;
  const cached = readCache(dir);
  if (cached !== undefined) {
    let visualKeys = readVisualKeys(dir, cached.meta);
    if (visualKeys === undefined) {
      visualKeys = await computeKnowledgeVisualKeys(kb, cached.meta.imageIds, cached.meta.dEmbed, chunkSize);
      writeVisualKeys(dir, cached.meta, visualKeys);
    }
    return { vectors: cached.vectors, features: cached.features, visualKeys, cacheDir: dir, isFromCache: true };
  }

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
  const visualKeys = await computeKnowledgeVisualKeys(kb, meta.imageIds, meta.dEmbed, chunkSize);
  writeCache(dir, meta, { vectors, features, visualKeys });
  return { vectors, features, visualKeys, cacheDir: dir, isFromCache: false };
}
