/**
 * Embeds knowledge items and stores them: image and cached ViT features in the BlobStore, then the vector in the
 * tenant's namespace, and for an image item its visual key (see `visual-keys.ts`) in the tenant's visual namespace.
 * Items whose stored records already match (same content, image and model version) are skipped, so a repeated
 * delivery costs an index fetch or two per batch and no model work.
 * @module
 */
import { AppError, InvalidImageError } from '../errors.js';
import { imageContentType } from '../knowledge/inspect-image.js';
import type { KnowledgeItem, RejectedEntry } from '../knowledge/knowledge-item.js';
import type { EmbeddedKnowledge, KnowledgeInput, KnowledgeMetadata, ModelClient, VectorRecord } from '../ports.js';
import { attributesBlobKey, imageBlobKeys } from './blob-keys.js';
import { encodeImageFeatures } from './features-codec.js';
import type { IngestServices } from './pipeline-services.js';
import { requireVisualKey, visualNamespace } from './visual-keys.js';

/** Progress of one ingestion, in items. */
export interface IngestProgress {
  readonly done: number;
  readonly total: number;
}

export interface IngestItemsOptions {
  /** Items per `embedKnowledge` call and per index upsert. */
  readonly batchSize: number;
  readonly onProgress?: (progress: IngestProgress) => void;
}

/** What storing a list of items did. */
export interface IngestItemsResult {
  readonly ingested: number;
  /** Stored before with the same content and model version. */
  readonly skipped: number;
  /** Images the model could not decode. */
  readonly rejected: readonly RejectedEntry[];
  /** Ids now in the index (ingested or skipped). */
  readonly ids: readonly string[];
  /** The model version the items are stored under (`modelVersionOf`). */
  readonly modelVersion: string;
}

interface PlannedItem {
  readonly item: KnowledgeItem;
  readonly metadata: KnowledgeMetadata;
}

type EmbedOutcome = { readonly planned: PlannedItem } & (
  { readonly embedded: EmbeddedKnowledge } | { readonly reason: string }
);

function planItem(tenant: string, item: KnowledgeItem, modelVersion: string): PlannedItem {
  const common = { source: item.source, modelVersion, ...(item.title !== undefined && { title: item.title }) };
  if (item.kind === 'text') return { item, metadata: { modality: 'text', content: item.text, ...common } };
  const keys = imageBlobKeys(tenant, item.id, item.image, item.format, modelVersion);
  return { item, metadata: { modality: 'image', content: item.caption, ...keys, ...common } };
}

/** Whether a stored record (an item, or its visual key: both carry the item's metadata) is current. */
function isUnchanged(existing: VectorRecord | undefined, expected: KnowledgeMetadata): boolean {
  const stored = existing?.metadata;
  return (
    stored !== undefined &&
    stored.modality === expected.modality &&
    stored.content === expected.content &&
    stored.title === expected.title &&
    stored.imageKey === expected.imageKey &&
    stored.featuresKey === expected.featuresKey &&
    stored.modelVersion === expected.modelVersion
  );
}

function toInput(item: KnowledgeItem): KnowledgeInput {
  return item.kind === 'image'
    ? { kind: 'image', image: item.image, caption: item.caption }
    : { kind: 'text', text: item.text };
}

/** Embeds a batch; when the model refuses an image, retries item by item so only that image is rejected. */
async function embedBatch(services: IngestServices, batch: readonly PlannedItem[]): Promise<EmbedOutcome[]> {
  try {
    const embedded = await services.model.embedKnowledge(batch.map(({ item }) => toInput(item)));
    if (embedded.length !== batch.length) {
      throw new AppError('model_unavailable', `model embedded ${embedded.length} of ${batch.length} items`);
    }
    return batch.map((planned, i) => ({ planned, embedded: embedded[i] as EmbeddedKnowledge }));
  } catch (error) {
    if (!(error instanceof InvalidImageError)) throw error;
    const [only] = batch;
    if (batch.length === 1 && only !== undefined) return [{ planned: only, reason: error.message }];
    const outcomes: EmbedOutcome[] = [];
    for (const planned of batch) outcomes.push(...(await embedBatch(services, [planned])));
    return outcomes;
  }
}

async function storeBlobs(services: IngestServices, tenant: string, outcome: EmbedOutcome): Promise<void> {
  if (!('embedded' in outcome)) return;
  const { item, metadata } = outcome.planned;
  if (item.kind === 'image' && metadata.imageKey && metadata.featuresKey) {
    const { features } = outcome.embedded;
    if (features === undefined) throw new AppError('model_unavailable', `model returned no features for ${item.id}`);
    await services.blobs.put(metadata.imageKey, item.image, imageContentType(item.format));
    await services.blobs.put(metadata.featuresKey, encodeImageFeatures(features), 'application/octet-stream');
  }
  if (item.attributes !== undefined) {
    const json = new TextEncoder().encode(JSON.stringify(item.attributes));
    await services.blobs.put(attributesBlobKey(tenant, item.id), json, 'application/json');
  }
}

/** Blobs of replaced records that the new records no longer use. */
function staleBlobRecords(existing: readonly VectorRecord[], written: readonly VectorRecord[]): VectorRecord[] {
  const current = new Map(written.map((record) => [record.id, record.metadata]));
  return existing.filter((old) => {
    const now = current.get(old.id);
    return (
      now !== undefined && (old.metadata.imageKey !== now.imageKey || old.metadata.featuresKey !== now.featuresKey)
    );
  });
}

/** The visual-key records of the image items the model embedded (`EmbeddedKnowledge.visualKey`). */
function visualKeyRecords(outcomes: readonly EmbedOutcome[]): VectorRecord[] {
  return outcomes.flatMap((outcome) => {
    if (!('embedded' in outcome) || outcome.planned.item.kind !== 'image') return [];
    const { id } = outcome.planned.item;
    return [{ id, values: requireVisualKey(outcome.embedded, id), metadata: outcome.planned.metadata }];
  });
}

/** Ids of image items of `batch`, whose visual keys live in the visual namespace. */
function imageIds(batch: readonly PlannedItem[]): string[] {
  return batch.filter(({ item }) => item.kind === 'image').map(({ item }) => item.id);
}

async function ingestBatch(
  services: IngestServices,
  tenant: string,
  batch: readonly PlannedItem[],
): Promise<{ ingested: string[]; skipped: string[]; rejected: RejectedEntry[] }> {
  const ids = batch.map(({ item }) => item.id);
  const withImage = imageIds(batch);
  const [existing, existingKeys] = await Promise.all([
    services.index.fetch(tenant, ids),
    withImage.length > 0 ? services.index.fetch(visualNamespace(tenant), withImage) : Promise.resolve([]),
  ]);
  const byId = new Map(existing.map((record) => [record.id, record]));
  const keyById = new Map(existingKeys.map((record) => [record.id, record]));
  // An image item is current only with its visual key (items stored before visual keys existed get one now).
  const isCurrent = ({ item, metadata }: PlannedItem) =>
    isUnchanged(byId.get(item.id), metadata) && (item.kind !== 'image' || isUnchanged(keyById.get(item.id), metadata));
  const fresh = batch.filter((planned) => !isCurrent(planned));
  const skipped = batch.filter((planned) => !fresh.includes(planned)).map(({ item }) => item.id);
  const outcomes = fresh.length > 0 ? await embedBatch(services, fresh) : [];
  for (const outcome of outcomes) await storeBlobs(services, tenant, outcome);
  const records: VectorRecord[] = outcomes.flatMap((outcome) =>
    'embedded' in outcome
      ? [{ id: outcome.planned.item.id, values: outcome.embedded.embedding, metadata: outcome.planned.metadata }]
      : [],
  );
  const visualKeys = visualKeyRecords(outcomes);
  // The item first, then its key: a key never points at an item that is not stored (delete goes the other way).
  if (records.length > 0) await services.index.upsert(tenant, records);
  if (visualKeys.length > 0) await services.index.upsert(visualNamespace(tenant), visualKeys);
  // An id that held an image and now holds text keeps no visual key.
  const keyless = records.filter(
    (record) => record.metadata.modality !== 'image' && byId.get(record.id)?.metadata.modality === 'image',
  );
  if (keyless.length > 0) {
    await services.index.delete(
      visualNamespace(tenant),
      keyless.map((record) => record.id),
    );
  }
  const stale = staleBlobRecords(existing, records);
  // The index no longer points at the old blobs; only their blobs go, never the records just written.
  await Promise.all(stale.map((old) => removeStaleBlobs(services, old)));
  const rejected = outcomes.flatMap((o) => ('reason' in o ? [{ where: o.planned.item.id, reason: o.reason }] : []));
  return { ingested: records.map((record) => record.id), skipped, rejected };
}

async function removeStaleBlobs(services: IngestServices, old: VectorRecord): Promise<void> {
  const keys = [old.metadata.imageKey, old.metadata.featuresKey].filter((key): key is string => key !== undefined);
  await Promise.allSettled(keys.map((key) => services.blobs.delete(key)));
}

/** The model version stored with every record (`name@version`): a record of another version is embedded again. */
export async function modelVersionOf(model: ModelClient): Promise<string> {
  const { name, version } = await model.info();
  return `${name}@${version}`;
}

/** Embeds and stores items in batches, reporting progress after each batch. */
export async function ingestItems(
  services: IngestServices,
  tenant: string,
  items: readonly KnowledgeItem[],
  options: IngestItemsOptions,
): Promise<IngestItemsResult> {
  const modelVersion = await modelVersionOf(services.model);
  const planned = items.map((item) => planItem(tenant, item, modelVersion));
  const ids: string[] = [];
  const rejected: RejectedEntry[] = [];
  let ingested = 0;
  let skipped = 0;
  for (let start = 0; start < planned.length; start += options.batchSize) {
    const result = await ingestBatch(services, tenant, planned.slice(start, start + options.batchSize));
    ingested += result.ingested.length;
    skipped += result.skipped.length;
    ids.push(...result.ingested, ...result.skipped);
    rejected.push(...result.rejected);
    options.onProgress?.({ done: Math.min(start + options.batchSize, planned.length), total: planned.length });
  }
  return { ingested, skipped, rejected, ids, modelVersion };
}
