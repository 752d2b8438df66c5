/**
 * The ports of the domain: narrow interfaces over domain types that each adapter in `src/adapters/` implements.
 * No SDK type crosses this file. One contract suite per port runs against every adapter.
 * @module
 */

/** Knowledge modality as stored in the index. */
export type Modality = 'image' | 'text';

/** Float32 ViT features of one image: `[nPatch, dVit]`, row-major. Cached at ingest, reused at answer time. */
export interface ImageFeatures {
  readonly dims: readonly [number, number];
  readonly data: Float32Array;
}

/** A knowledge item to embed: an image with its caption, or a passage of text. */
export type KnowledgeInput =
  | { readonly kind: 'image'; readonly image: Uint8Array; readonly caption: string }
  | { readonly kind: 'text'; readonly text: string };

/** What embedding one knowledge item returns: the retrieval vector, and for images the cached ViT features. */
export interface EmbeddedKnowledge {
  readonly embedding: Float32Array;
  readonly features?: ImageFeatures;
  /** Image items only: the near-duplicate fingerprint of the pixels (`[d_embed]`, `src/core/model/visual-keys.ts`). */
  readonly visualKey?: Float32Array;
}

/**
 * One retrieved reference handed to the generator, in the order it will appear in the prompt. `score` is its
 * retrieval score (inner product with the question vector; the visual-key similarity for a linked image item), which
 * a model whose generator reads retrieval scores requires.
 */
export type GenerationReference = (
  | { readonly id: string; readonly kind: 'image'; readonly features: ImageFeatures; readonly caption: string }
  | { readonly id: string; readonly kind: 'text'; readonly text: string }
) & { readonly score?: number };

/** Decoding settings the loop actually reads. */
export interface GenerationOptions {
  /** @default 32 */
  readonly maxNewTokens?: number;
  /** 1 is greedy. @default 1 */
  readonly numBeams?: number;
}

export interface GenerateRequest {
  readonly question: string;
  /** Raw bytes of an image that comes with the question (PNG, JPEG or WebP). */
  readonly questionImage?: Uint8Array;
  /**
   * ViT features `[n_patch, d_vit]` of the question image when they are already known (the answer path's linking
   * call computed them): the model then does not read `questionImage`, which may be left out.
   */
  readonly questionImageFeatures?: ImageFeatures;
  /**
   * With a question image: whether visual entity linking matched it to a stored image item. `false` (the picture
   * shows nothing the index holds) makes generation use the bundle's `askg.abstainLogitBiasUnlinkedImage`.
   */
  readonly questionImageLinked?: boolean;
  readonly references: readonly GenerationReference[];
  readonly options?: GenerationOptions;
}

/** Parsed ASKG output. `relevant` holds reference ids (not prompt numbers). */
export interface GenerateResult {
  readonly answer: string;
  readonly relevant: readonly string[];
  readonly abstained: boolean;
  readonly text: string;
  readonly usage: { readonly promptTokens: number; readonly generatedTokens: number; readonly modelMs: number };
}

export interface ModelInfo {
  readonly name: string;
  readonly version: string;
  readonly dEmbed: number;
}

/** The model, wherever it runs: in-process, the container over HTTP, or a SageMaker endpoint. */
export interface ModelClient {
  info(): Promise<ModelInfo>;
  embedText(texts: readonly string[]): Promise<Float32Array[]>;
  embedKnowledge(items: readonly KnowledgeInput[]): Promise<EmbeddedKnowledge[]>;
  generate(request: GenerateRequest): Promise<GenerateResult>;
}

/** A vector with its metadata, as stored in one tenant's namespace. */
export interface VectorRecord {
  readonly id: string;
  readonly values: Float32Array;
  readonly metadata: KnowledgeMetadata;
}

/** Metadata kept beside each vector. Flat and small (Pinecone caps a record's metadata at 40 KB). */
export interface KnowledgeMetadata {
  readonly modality: Modality;
  /** Caption of an image item, or the passage of a text item. */
  readonly content: string;
  readonly title?: string;
  /** BlobStore key of the image, for image items. */
  readonly imageKey?: string;
  /** BlobStore key of the cached ViT features, for image items. */
  readonly featuresKey?: string;
  /** Where the item came from: the source object key or upload id. */
  readonly source: string;
  /** Model name@version that produced the vector. */
  readonly modelVersion: string;
}

export interface VectorMatch {
  readonly id: string;
  /** Inner product with the query (vectors are L2-normalised, so this is cosine similarity). */
  readonly score: number;
  readonly metadata: KnowledgeMetadata;
}

/** Maximum inner product search, namespaced per tenant. */
export interface VectorIndex {
  upsert(namespace: string, records: readonly VectorRecord[]): Promise<void>;
  query(namespace: string, vector: Float32Array, topK: number): Promise<VectorMatch[]>;
  fetch(namespace: string, ids: readonly string[]): Promise<VectorRecord[]>;
  delete(namespace: string, ids: readonly string[]): Promise<void>;
}

/** Object storage for knowledge images, cached features and uploaded documents. */
export interface BlobStore {
  put(key: string, bytes: Uint8Array, contentType: string): Promise<void>;
  /** Throws NotFoundError when the key is absent. */
  get(key: string): Promise<Uint8Array>;
  delete(key: string): Promise<void>;
}

export type JobState = 'queued' | 'done' | 'failed';

export interface IngestJob {
  readonly id: string;
  readonly tenant: string;
  readonly source: string;
  readonly state: JobState;
  /** Items ingested, skipped (already present) and rejected (malformed), when done. */
  readonly counts?: { readonly ingested: number; readonly skipped: number; readonly rejected: number };
  /** Why it failed, or which lines were rejected. */
  readonly errors?: readonly string[];
  readonly attempts: number;
  readonly updatedAt: string;
}

export interface JobStore {
  put(job: IngestJob): Promise<void>;
  /** Returns undefined when there is no such job for this tenant. */
  get(tenant: string, id: string): Promise<IngestJob | undefined>;
}

/** One metered call: the pay-per-use record. */
export interface UsageRecord {
  readonly tenant: string;
  readonly requests: number;
  readonly modelMs: number;
  readonly promptTokens: number;
  readonly generatedTokens: number;
}

export interface UsageTotals {
  readonly tenant: string;
  /** UTC day, YYYY-MM-DD. */
  readonly day: string;
  readonly requests: number;
  readonly modelMs: number;
  readonly promptTokens: number;
  readonly generatedTokens: number;
}

export interface UsageMeter {
  record(usage: UsageRecord, at: Date): Promise<void>;
  /** Per-day totals between two UTC days, inclusive. */
  totals(tenant: string, fromDay: string, toDay: string): Promise<UsageTotals[]>;
}

/** API keys are stored as SHA-256 hashes only. */
export interface ApiKeyStore {
  put(keyHash: string, tenant: string): Promise<void>;
  /** The tenant of a key hash, or undefined. */
  tenantOf(keyHash: string): Promise<string | undefined>;
}
