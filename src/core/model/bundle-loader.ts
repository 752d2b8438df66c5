/**
 * Loads a model bundle directory: manifest, tokenizers, one ONNX Runtime session per graph, each checked against the
 * manifest before anything runs.
 * @module
 */
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { BundleMismatchError } from '../errors.js';
import { checkManifestContract } from './graph-contract.js';
import { parseManifest } from './manifest.js';
import type { BundleManifest, GraphName } from './manifest.js';
import { checkSession } from './session-check.js';
import { TextTokenizer } from './tokenizer.js';

/** Options of `loadBundle`. */
export interface LoadBundleOptions {
  /** Threads of one operator (ONNX Runtime `intraOpNumThreads`). @default 0 (ONNX Runtime picks, usually all cores) */
  readonly intraOpNumThreads?: number;
  /** ONNX Runtime execution providers in order of preference, e.g. `['cuda', 'cpu']`. @default ['cpu'] */
  readonly executionProviders?: readonly string[];
  /**
   * Let idle intra-op threads spin between operators. Spinning shaves microseconds on a dedicated machine but, where
   * CPUs are shared, the spinning threads compete with the working ones (measured here: 26 ms per decoder step with
   * spinning against 8 ms without, 2 threads on a loaded 2-core host). @default false
   */
  readonly allowSpinning?: boolean;
  /** ONNX Runtime graph optimisation level. @default 'all' */
  readonly graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
}

/** The sessions of a bundle; `embed_*` exist only when the manifest lists them. */
export interface BundleSessions {
  readonly vision: ort.InferenceSession;
  readonly qformer: ort.InferenceSession;
  readonly embed_text?: ort.InferenceSession;
  readonly embed_knowledge?: ort.InferenceSession;
  readonly gen_encoder: ort.InferenceSession;
  readonly gen_decoder: ort.InferenceSession;
}

/** A loaded, validated bundle. Call `release` to free the sessions. */
export interface ModelBundle {
  readonly dir: string;
  readonly manifest: BundleManifest;
  readonly sessions: BundleSessions;
  readonly tokenizers: { readonly qformer: TextTokenizer; readonly generator: TextTokenizer };
  release(): Promise<void>;
}

async function requireFile(dir: string, file: string, what: string): Promise<string> {
  const path = join(dir, file);
  try {
    await access(path);
  } catch (err) {
    throw new BundleMismatchError(`bundle ${dir}: ${what} ${file} is missing`, { graph: what }, { cause: err });
  }
  return path;
}

async function readManifest(dir: string): Promise<BundleManifest> {
  const path = await requireFile(dir, 'manifest.json', 'manifest');
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new BundleMismatchError(`bundle ${dir}: manifest.json is not JSON`, { graph: 'manifest' }, { cause: err });
  }
  const manifest = parseManifest(json);
  checkManifestContract(manifest);
  return manifest;
}

async function loadTokenizers(dir: string, manifest: BundleManifest): Promise<ModelBundle['tokenizers']> {
  const qformerFile = manifest.text.qformer.tokenizer;
  const generatorFile = manifest.text.generator.tokenizer;
  const qformer = await TextTokenizer.fromFile(await requireFile(dir, qformerFile, 'tokenizer'));
  const generator =
    generatorFile === qformerFile
      ? qformer
      : await TextTokenizer.fromFile(await requireFile(dir, generatorFile, 'tokenizer'));
  return { qformer, generator };
}

/**
 * Reads and validates `dir/manifest.json`, loads the tokenizers and creates one session per graph from its file path
 * (so that ONNX external data such as `weights.bin` resolves beside it). Throws `BundleMismatchError` for a missing
 * file, an unsupported `formatVersion`, or any graph whose I/O disagrees with the manifest.
 */
export async function loadBundle(dir: string, options: LoadBundleOptions = {}): Promise<ModelBundle> {
  const manifest = await readManifest(dir);
  const tokenizers = await loadTokenizers(dir, manifest);
  const sessionOptions: ort.InferenceSession.SessionOptions = {
    executionProviders: [...(options.executionProviders ?? ['cpu'])] as ort.InferenceSession.ExecutionProviderConfig[],
    graphOptimizationLevel: options.graphOptimizationLevel ?? 'all',
    intraOpNumThreads: options.intraOpNumThreads ?? 0,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    extra: { session: { intra_op: { allow_spinning: options.allowSpinning === true ? '1' : '0' } } },
  };
  const created: ort.InferenceSession[] = [];
  const sessions: Partial<Record<GraphName, ort.InferenceSession>> = {};
  try {
    for (const [graph, spec] of Object.entries(manifest.graphs) as [GraphName, BundleManifest['graphs'][GraphName]][]) {
      if (spec === undefined) continue;
      const path = await requireFile(dir, spec.file, graph);
      const session = await ort.InferenceSession.create(path, sessionOptions);
      created.push(session);
      await checkSession(graph, session, spec);
      sessions[graph] = session;
    }
  } catch (err) {
    await Promise.all(created.map((s) => s.release()));
    throw err;
  }
  return {
    dir,
    manifest,
    sessions: sessions as BundleSessions,
    tokenizers,
    release: async () => {
      await Promise.all(created.map((s) => s.release()));
    },
  };
}
