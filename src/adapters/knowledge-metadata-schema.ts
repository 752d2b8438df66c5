/**
 * The zod schema of `KnowledgeMetadata`, used where metadata comes back from a store (SQLite JSON, Pinecone).
 * @module
 */
import { z } from 'zod';
import type { KnowledgeMetadata } from '../core/ports.js';

/** Parses stored metadata back into `KnowledgeMetadata`; unknown keys are dropped. */
export const knowledgeMetadataSchema = z.object({
  modality: z.enum(['image', 'text']),
  content: z.string(),
  title: z.string().optional(),
  imageKey: z.string().optional(),
  featuresKey: z.string().optional(),
  source: z.string(),
  modelVersion: z.string(),
}) satisfies z.ZodType<KnowledgeMetadata>;

/** Copies metadata without its absent optional fields, so stores never see `undefined` or `null`. */
export function compactMetadata(metadata: KnowledgeMetadata): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value === 'string') flat[key] = value;
  }
  return flat;
}
