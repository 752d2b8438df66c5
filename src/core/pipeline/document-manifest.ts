/**
 * Which items a source document produced, so that a changed document drops the items it no longer contains and a
 * removed document takes its items with it.
 * @module
 */
import { z } from 'zod';
import type { BlobStore } from '../ports.js';
import { documentManifestKey } from './blob-keys.js';
import { getBlobIfPresent } from './knowledge-records.js';

const DocumentManifestSchema = z.object({
  source: z.string(),
  /** The job whose ingestion wrote this manifest. */
  jobId: z.string(),
  ids: z.array(z.string()),
  /** The model that embedded the items: under another, the document is ingested again (absent from older manifests). */
  modelVersion: z.string().optional(),
});

/** The items one source document produced, and the job that produced them. */
export type DocumentManifest = z.infer<typeof DocumentManifestSchema>;

/** The manifest of a source, or undefined before its first ingestion. */
export async function readDocumentManifest(
  blobs: BlobStore,
  tenant: string,
  source: string,
): Promise<DocumentManifest | undefined> {
  const bytes = await getBlobIfPresent(blobs, documentManifestKey(tenant, source));
  if (bytes === undefined) return undefined;
  const parsed = DocumentManifestSchema.safeParse(JSON.parse(Buffer.from(bytes).toString('utf8')));
  return parsed.success && parsed.data.source === source ? parsed.data : undefined;
}

export async function writeDocumentManifest(
  blobs: BlobStore,
  tenant: string,
  manifest: DocumentManifest,
): Promise<void> {
  const bytes = new TextEncoder().encode(JSON.stringify(manifest));
  await blobs.put(documentManifestKey(tenant, manifest.source), bytes, 'application/json');
}

export async function deleteDocumentManifest(blobs: BlobStore, tenant: string, source: string): Promise<void> {
  await blobs.delete(documentManifestKey(tenant, source));
}
