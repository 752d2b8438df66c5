/**
 * One bundle made ready to answer the benchmark: the runtime loaded, the knowledge base embedded (or read from the
 * cache) and indexed, and the reference catalog built.
 * @module
 */
import { resolve } from 'node:path';
import { ModelRuntime, type ModelRuntimeOptions } from '../../src/core/model/index.js';
import type { KnowledgeBase } from './eval-data.js';
import { buildKnowledgeIndex, type KnowledgeIndex } from './knowledge-index.js';
import { embedKnowledgeBase } from './knowledge-embeddings.js';
import { buildReferenceCatalog, type ReferenceCatalog } from './reference-catalog.js';

/** Which bundle produced the numbers. */
export interface BundleInfo {
  readonly dir: string;
  readonly name: string;
  readonly version: string;
  readonly configHash: string;
  /** The abstention bias the run used: `--abstain-bias`, else the manifest's `askg.abstainLogitBias`, else 0. */
  readonly abstainLogitBias: number;
  /** The bias for a question image that linked to nothing (`askg.abstainLogitBiasUnlinkedImage`, or its override). */
  readonly abstainLogitBiasUnlinkedImage: number;
}

/** A bundle with its indexed knowledge base. */
export interface EvalPipeline {
  readonly runtime: ModelRuntime;
  readonly knowledge: KnowledgeIndex;
  readonly catalog: ReferenceCatalog;
  readonly bundle: BundleInfo;
  /** Whether the knowledge vectors came from the cache. */
  readonly isKnowledgeCached: boolean;
  close(): Promise<void>;
}

/**
 * Loads `bundleDir` and indexes `kb` with it (vectors cached under `cacheRoot`); `biases` override the manifest's.
 */
export async function openEvalPipeline(
  bundleDir: string,
  kb: KnowledgeBase,
  cacheRoot: string,
  biases: Pick<ModelRuntimeOptions, 'abstainLogitBias' | 'abstainLogitBiasUnlinkedImage'> = {},
): Promise<EvalPipeline> {
  const runtime = await ModelRuntime.load(resolve(bundleDir), {
    ...(biases.abstainLogitBias !== undefined && { abstainLogitBias: biases.abstainLogitBias }),
    ...(biases.abstainLogitBiasUnlinkedImage !== undefined && {
      abstainLogitBiasUnlinkedImage: biases.abstainLogitBiasUnlinkedImage,
    }),
  });
  try {
    const { model, dims } = runtime.manifest;
    if (dims.dEmbed === undefined) throw new Error(`bundle ${bundleDir} has no embed_* graphs: it cannot retrieve`);
    const embeddings = await embedKnowledgeBase(runtime, kb, { cacheRoot });
    const knowledge = await buildKnowledgeIndex(kb, embeddings, dims.dEmbed, `${model.name}@${model.version}`);
    return {
      runtime,
      knowledge,
      catalog: buildReferenceCatalog(kb, embeddings),
      bundle: {
        dir: bundleDir,
        name: model.name,
        version: model.version,
        configHash: model.configHash,
        abstainLogitBias: runtime.abstainLogitBias,
        abstainLogitBiasUnlinkedImage: runtime.abstainLogitBiasUnlinkedImage,
      },
      isKnowledgeCached: embeddings.isFromCache,
      close: async () => {
        knowledge.close();
        await runtime.release();
      },
    };
  } catch (error) {
    await runtime.release();
    throw error;
  }
}
