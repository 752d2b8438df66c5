/**
 * Reading and removing stored knowledge items: the index record plus its blobs (image, cached features, attributes)
 * and, for an image item, its visual key.
 * @module
 */
import { NotFoundError } from '../errors.js';
import { readImageHeader } from '../knowledge/image-header.js';
import { imageContentType } from '../knowledge/inspect-image.js';
import type { ItemAttributes } from '../knowledge/knowledge-item.js';
import type { BlobStore, Modality, VectorRecord } from '../ports.js';
import { attributesBlobKey } from './blob-keys.js';
import type { KnowledgeServices } from './pipeline-services.js';
import { visualNamespace } from './visual-keys.js';

/** A stored knowledge item as the API shows it. */
export interface KnowledgeView {
  readonly id: string;
  readonly modality: Modality;
  /** The caption (image items) or the passage (text items). */
  readonly content: string;
  readonly title?: string;
  readonly source: string;
  readonly modelVersion: string;
  readonly hasImage: boolean;
  readonly attributes?: ItemAttributes;
}

/** An image as stored, with its content type. */
export interface StoredImage {
  readonly bytes: Uint8Array;
  readonly contentType: string;
}

/** The blob, or undefined when the store has no such key. */
export async function getBlobIfPresent(blobs: BlobStore, key: string): Promise<Uint8Array | undefined> {
  try {
    return await blobs.get(key);
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}

async function deleteBlobIfPresent(blobs: BlobStore, key: string): Promise<void> {
  try {
    await blobs.delete(key);
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
  }
}

async function fetchRecord(services: KnowledgeServices, tenant: string, id: string): Promise<VectorRecord> {
  const [record] = await services.index.fetch(tenant, [id]);
  if (record === undefined) throw new NotFoundError(`no knowledge item "${id}"`);
  return record;
}

/**
 * One stored item of the tenant.
 * @throws NotFoundError when the tenant has no item with this id.
 */
export async function describeKnowledge(
  services: KnowledgeServices,
  tenant: string,
  id: string,
): Promise<KnowledgeView> {
  const { metadata } = await fetchRecord(services, tenant, id);
  const attributesJson = await getBlobIfPresent(services.blobs, attributesBlobKey(tenant, id));
  return {
    id,
    modality: metadata.modality,
    content: metadata.content,
    ...(metadata.title !== undefined && { title: metadata.title }),
    source: metadata.source,
    modelVersion: metadata.modelVersion,
    hasImage: metadata.imageKey !== undefined,
    ...(attributesJson && { attributes: JSON.parse(Buffer.from(attributesJson).toString('utf8')) as ItemAttributes }),
  };
}

/**
 * The stored image of an image item.
 * @throws NotFoundError when there is no such item, or it is a text item.
 */
export async function readKnowledgeImage(
  services: KnowledgeServices,
  tenant: string,
  id: string,
): Promise<StoredImage> {
  const { metadata } = await fetchRecord(services, tenant, id);
  if (metadata.imageKey === undefined) throw new NotFoundError(`knowledge item "${id}" has no image`);
  const bytes = await services.blobs.get(metadata.imageKey);
  const header = readImageHeader(bytes);
  return { bytes, contentType: header ? imageContentType(header.format) : 'application/octet-stream' };
}

/**
 * Deletes records from the index first (so no answer cites them), then their blobs. Image items lose their visual
 * key before their record, so a key never outlives its item (ingest writes them the other way round).
 */
export async function removeKnowledgeRecords(
  services: KnowledgeServices,
  tenant: string,
  records: readonly VectorRecord[],
): Promise<void> {
  if (records.length === 0) return;
  const images = records.filter((record) => record.metadata.modality === 'image').map((record) => record.id);
  if (images.length > 0) await services.index.delete(visualNamespace(tenant), images);
  await services.index.delete(
    tenant,
    records.map((record) => record.id),
  );
  const keys = records.flatMap((record) => [
    ...(record.metadata.imageKey ? [record.metadata.imageKey] : []),
    ...(record.metadata.featuresKey ? [record.metadata.featuresKey] : []),
    attributesBlobKey(tenant, record.id),
  ]);
  await Promise.all(keys.map((key) => deleteBlobIfPresent(services.blobs, key)));
}

/**
 * Deletes one item of the tenant with its blobs.
 * @throws NotFoundError when the tenant has no item with this id.
 */
export async function removeKnowledge(services: KnowledgeServices, tenant: string, id: string): Promise<void> {
  await removeKnowledgeRecords(services, tenant, [await fetchRecord(services, tenant, id)]);
}
